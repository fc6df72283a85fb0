// SageMaker's training side: RecordIO framing byte for byte (padding, multi-part records around the magic
// number), the Pipe-mode stream of an augmented manifest, and the CreateTrainingJob request against the
// reference's shape and limits.

#include "activelearning/sagemaker.h"
#include "testutil.h"

#include <QTest>

using namespace gw;
using namespace gw::activelearning::sagemaker;

class TestSageMaker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recordIoBytes()
    {
        // Magic 0xCED7230A little-endian, length 3 (flag 0), the data, one byte of padding.
        QCOMPARE(recordIo("abc"), std::string("\x0a\x23\xd7\xce\x03\x00\x00\x00" "abc\x00", 12));
        QCOMPARE(recordIo("").size(), size_t(8));
        QCOMPARE(recordIo("abcd").size(), size_t(12)); // no padding at a 4-byte boundary
        const std::string stream = recordIo("1") + recordIo("") + recordIo("image bytes\n") + recordIo("abcd");
        auto records = readRecordIo(stream);
        GW_VERIFY_OK(records);
        QCOMPARE(*records, (std::vector<std::string>{"1", "", "image bytes\n", "abcd"}));
    }

    void dataHoldingTheMagicNumberIsSplitAndJoined()
    {
        const std::string magic("\x0a\x23\xd7\xce", 4);
        const std::string data = "abcd" + magic + "efgh" + magic + "xy";
        const std::string framed = recordIo(data);
        // Three parts: start (flag 1), middle (2), end (3).
        QCOMPARE(uint8_t(framed[7]) >> 5, 1);
        auto back = readRecordIo(framed + recordIo("next"));
        GW_VERIFY_OK(back);
        QCOMPARE(back->size(), size_t(2));
        QCOMPARE(back->front(), data);
        // A magic number that is not at a 4-byte boundary needs no split.
        QCOMPARE(uint8_t(recordIo("ab" + magic)[7]) >> 5, 0);
    }

    void malformedStreamsNameTheByte()
    {
        const std::string good = recordIo("abc");
        auto truncated = readRecordIo(good.substr(0, 10));
        QVERIFY(!truncated);
        QVERIFY2(truncated.error().message.find("byte 0") != std::string::npos, truncated.error().message.c_str());
        auto noMagic = readRecordIo(good + "garbage!");
        QVERIFY(!noMagic);
        QVERIFY(noMagic.error().message.find("byte 12") != std::string::npos);
    }

    void pipeStreamOfAnAugmentedManifest()
    {
        QTemporaryDir dir;
        test::writeFile(test::path(dir, "cat.png"), "PNG BYTES");
        test::writeFile(test::path(dir, "train.manifest"),
                        "{\"source-ref\":\"cat.png\",\"animal\":1,\"boxes\":{\"annotations\":[]},\"animal-metadata\":{}}\n");
        auto stream = pipeStream(test::path(dir, "train.manifest"), {"source-ref", "animal", "boxes"});
        GW_VERIFY_OK(stream);
        auto records = readRecordIo(*stream);
        GW_VERIFY_OK(records);
        QCOMPARE(*records, (std::vector<std::string>{"PNG BYTES", "1", "{\"annotations\":[]}"}));
        auto missing = pipeStream(test::path(dir, "train.manifest"), {"source-ref", "colour"});
        QVERIFY(!missing);
        QVERIFY(missing.error().message.find("train.manifest:1: no attribute 'colour'") != std::string::npos);
    }

    void createTrainingJobRequestHasTheReferenceShape()
    {
        TrainingJobSpec spec;
        spec.name = "boxes-model-2024-05-01";
        spec.roleArn = "arn:aws:iam::123456789012:role/SageMakerExecution";
        spec.image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest";
        spec.hyperparameters = {{"epochs", "30"}, {"num_classes", "3"}};
        spec.metricDefinitions = {{"validation:mAP", "validation mAP <score>=\\(([0-9.]+)\\)"}};
        spec.channels = {{"train", "s3://my-bucket/manifests/train.manifest", {"source-ref", "boxes"}, "application/x-recordio"},
                         {"validation", "s3://my-bucket/manifests/validation.manifest", {"source-ref", "boxes"},
                          "application/x-recordio"}};
        spec.outputPath = "s3://my-bucket/training-output/";
        auto r = createTrainingJobRequest(spec);
        GW_VERIFY_OK(r);
        const json::Value &v = *r;
        QCOMPARE(v.find("TrainingJobName")->toString(), spec.name);
        QCOMPARE(v.find("AlgorithmSpecification")->find("TrainingInputMode")->toString(), std::string("Pipe"));
        QCOMPARE(v.find("HyperParameters")->find("epochs")->toString(), std::string("30")); // strings only
        const auto &channels = v.find("InputDataConfig")->toArray();
        QCOMPARE(channels.size(), size_t(2));
        const json::Value *source = channels[0].find("DataSource")->find("S3DataSource");
        QCOMPARE(source->find("S3DataType")->toString(), std::string("AugmentedManifestFile"));
        QCOMPARE(json::toString(*source->find("AttributeNames")), std::string("[\"source-ref\",\"boxes\"]"));
        QCOMPARE(channels[0].find("RecordWrapperType")->toString(), std::string("RecordIO"));
        QCOMPARE(channels[1].find("InputMode")->toString(), std::string("Pipe"));
        QVERIFY(v.find("OutputDataConfig")->find("S3OutputPath"));
        QVERIFY(v.find("StoppingCondition")->find("MaxRuntimeInSeconds"));

        // SageMaker's limits are refused before anything is sent.
        TrainingJobSpec bad = spec;
        bad.name = "-starts-with-a-hyphen";
        QVERIFY(!createTrainingJobRequest(bad));
        bad = spec;
        bad.channels.clear();
        QVERIFY(!createTrainingJobRequest(bad));
        bad = spec;
        bad.channels[0].name = "train data";
        QVERIFY(!createTrainingJobRequest(bad));
        bad = spec;
        bad.channels[0].attributeNames.assign(17, "a");
        QVERIFY(!createTrainingJobRequest(bad));
        bad = spec;
        for (int i = 0; i < 101; ++i)
            bad.hyperparameters["h" + std::to_string(i)] = "1";
        QVERIFY(!createTrainingJobRequest(bad));
        bad = spec;
        bad.roleArn = "SageMakerExecution";
        QVERIFY(!createTrainingJobRequest(bad));
    }
};

QTEST_GUILESS_MAIN(TestSageMaker)
#include "tst_sagemaker.moc"
