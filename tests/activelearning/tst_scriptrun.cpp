// Training scripts run SageMaker's way on this machine: the run directory and environment a SageMaker script
// reads, its metrics taken from the log by regular expressions, output/failure as the reason, and stopping a
// run stops its whole process tree.

#include "activelearning/scriptrun.h"
#include "testutil.h"

#include <QElapsedTimer>
#include <QDir>
#include <QTest>

#include <signal.h>

using namespace gw;
using namespace gw::activelearning;

class TestScriptRun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void scriptReadsItsInputsAndReportsMetrics()
    {
        QTemporaryDir dir;
        test::writeFile(test::path(dir, "train.manifest"), "{\"source\":\"a\",\"topic\":0}\n{\"source\":\"b\",\"topic\":1}\n");
        ScriptRunSpec spec;
        spec.runDir = test::path(dir, "run");
        spec.jobName = "topics-1";
        spec.hyperparameters = {{"epochs", "3"}, {"learning-rate", "0.1"}};
        spec.metricDefinitions = {{"train:loss", "loss=([0-9.]+)"}, {"validation:accuracy", "val_acc=([0-9.]+)"}};
        spec.channels = {{"train", test::path(dir, "train.manifest")}};
        // A script written for SageMaker: it reads hyperparameters.json, the channel's manifest and SM_* variables.
        spec.command = R"sh(
set -e
epochs=$(sed -E 's/.*"epochs":"([0-9]+)".*/\1/' input/config/hyperparameters.json)
lines=$(cat "$SM_CHANNEL_TRAIN"/train.manifest | wc -l)
echo "job $TRAINING_JOB_NAME: $lines lines, lr $SM_HP_LEARNING_RATE, hosts $SM_HOSTS"
i=1
while [ $i -le $epochs ]; do echo "epoch=$i loss=0.$((9 - i)) val_acc=0.$((6 + i))"; i=$((i + 1)); done
echo trained > "$SM_MODEL_DIR/model.txt"
)sh";
        std::vector<std::string> log;
        spec.onLog = [&](const std::string &line) { log.push_back(line); };
        auto r = runScript(spec);
        GW_VERIFY_OK(r);
        QVERIFY2(r->succeeded(), r->failure.c_str());
        QVERIFY(log.size() >= 2);
        QCOMPARE(log[0], std::string("channel train: 2 manifest lines, 0 media files"));
        QCOMPARE(log[1], std::string("job topics-1: 2 lines, lr 0.1, hosts [\"algo-1\"]"));
        QCOMPARE(r->metrics["train:loss"], (std::vector<double>{0.8, 0.7, 0.6}));
        QCOMPARE(r->metrics["validation:accuracy"], (std::vector<double>{0.7, 0.8, 0.9}));
        QCOMPARE(test::readFile(spec.runDir + "/model/model.txt"), std::string("trained\n"));
        QCOMPARE(test::readFile(spec.runDir + "/input/config/hyperparameters.json"),
                 std::string("{\"epochs\":\"3\",\"learning-rate\":\"0.1\"}"));
        QVERIFY(test::readFile(spec.runDir + "/input/config/inputdataconfig.json").find("\"train\"") != std::string::npos);
        QVERIFY(test::readFile(spec.runDir + "/output/log.txt").find("epoch=3") != std::string::npos);
    }

    void channelHoldsTheMediaItsManifestNames()
    {
        QTemporaryDir dir;
        QDir().mkpath(dir.path() + QStringLiteral("/images/cats"));
        QDir().mkpath(dir.path() + QStringLiteral("/elsewhere"));
        test::writeFile(test::path(dir, "images/cats/a.png"), "A");
        test::writeFile(test::path(dir, "elsewhere/b.png"), "B");
        const std::string absolute = test::path(dir, "elsewhere/b.png");
        test::writeFile(test::path(dir, "images/train.manifest"),
                        "{\"source-ref\":\"cats/a.png\",\"cat\":1}\n"
                        "{\"source-ref\":\"" + absolute + "\",\"cat\":0,\"cat-mask-ref\":\"cats/a.png\"}\n"
                        "{\"source-ref\":\"s3://bucket/c.png\",\"cat\":0}\n"
                        "{\"source-ref\":\"cats/gone.png\",\"cat\":1}\n");
        ScriptRunSpec spec;
        spec.runDir = test::path(dir, "run");
        spec.channels = {{"train", test::path(dir, "images/train.manifest")}};
        std::vector<std::string> log;
        spec.onLog = [&](const std::string &line) { log.push_back(line); };
        GW_VERIFY_OK(prepareRunDirectory(spec));
        const std::string channel = spec.runDir + "/input/data/train/";
        // Relative references keep their place; a file from elsewhere goes under external/; remote and missing
        // references stay as they were; keys keep their order.
        QCOMPARE(test::readFile(channel + "train.manifest"),
                 std::string("{\"source-ref\":\"cats/a.png\",\"cat\":1}\n"
                             "{\"source-ref\":\"external/1_b.png\",\"cat\":0,\"cat-mask-ref\":\"cats/a.png\"}\n"
                             "{\"source-ref\":\"s3://bucket/c.png\",\"cat\":0}\n"
                             "{\"source-ref\":\"cats/gone.png\",\"cat\":1}\n"));
        QCOMPARE(test::readFile(channel + "cats/a.png"), std::string("A"));
        QCOMPARE(test::readFile(channel + "external/1_b.png"), std::string("B"));
        QCOMPARE(log.size(), size_t(2));
        QCOMPARE(log[0], std::string("channel train: 4 manifest lines, 2 media files, 1 remote references left as they are"));
        QCOMPARE(log[1], std::string("channel train: 1 media files are missing: cats/gone.png"));
        // A malformed line is named with its file and line.
        test::writeFile(test::path(dir, "images/bad.manifest"), "{\"source-ref\":\"cats/a.png\"}\n{\"source-ref\": nope}\n");
        spec.channels = {{"train", test::path(dir, "images/bad.manifest")}};
        const auto bad = prepareRunDirectory(spec);
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("bad.manifest:2") != std::string::npos, bad.error().message.c_str());
    }

    void numbersReadTheSameInEveryLocale()
    {
        double x = 0;
        QVERIFY(parseNumber("0.93", x) && x == 0.93);
        QVERIFY(parseNumber(" 1e-3 ", x) && x == 1e-3);
        QVERIFY(parseNumber("+2", x) && x == 2);
        QVERIFY(!parseNumber("1,5", x));
        QVERIFY(!parseNumber("0.5s", x));
        QVERIFY(!parseNumber("", x));
        QVERIFY(!parseNumber("nan?", x));
    }

    void failureReasonAndExitCode()
    {
        QTemporaryDir dir;
        ScriptRunSpec spec;
        spec.runDir = test::path(dir, "run");
        spec.command = "echo 'no training data in channel train' > output/failure; exit 3";
        auto r = runScript(spec);
        GW_VERIFY_OK(r);
        QCOMPARE(r->exitCode, 3);
        QVERIFY(!r->succeeded());
        QCOMPARE(r->failure, std::string("no training data in channel train\n"));
        spec.metricDefinitions = {{"bad", "(unclosed"}};
        QVERIFY(!runScript(spec));
    }

    void stoppingStopsTheProcessTree()
    {
        QTemporaryDir dir;
        ScriptRunSpec spec;
        spec.runDir = test::path(dir, "run");
        // A child that would outlive a shell killed alone.
        spec.command = "sleep 60 & echo $! > child.pid; echo started; wait";
        QElapsedTimer t;
        t.start();
        bool started = false;
        spec.onLog = [&](const std::string &line) { started = started || line == "started"; };
        spec.shouldStop = [&] { return started; };
        auto r = runScript(spec);
        GW_VERIFY_OK(r);
        QVERIFY(r->stopped);
        QVERIFY(t.elapsed() < 20000);
        const int child = std::stoi(test::readFile(spec.runDir + "/child.pid"));
        QTRY_VERIFY(::kill(child, 0) != 0); // gone
    }
};

QTEST_GUILESS_MAIN(TestScriptRun)
#include "tst_scriptrun.moc"
