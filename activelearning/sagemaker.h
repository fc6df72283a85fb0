#pragma once

// SageMaker's side of training, for runs that go to the cloud or are tested locally the same way: the
// CreateTrainingJob request for augmented-manifest channels (Pipe mode, RecordIO), and the RecordIO framing
// of Pipe mode (MXNet/dmlc: magic 0xCED7230A, length with a 3-bit continuation flag, padding to 4 bytes), so a
// training script can be fed locally exactly what SageMaker would stream to it.

#include "datasets/json.h"
#include "datasets/result.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gw::activelearning::sagemaker {

inline constexpr uint32_t kRecordIoMagic = 0xCED7230A;

/// One RecordIO record holding data (split into parts around any magic number at a 4-byte boundary, as dmlc
/// does, so the stream stays readable).
std::string recordIo(std::string_view data);
/// The records of a RecordIO stream (multi-part records joined); errors give the byte offset.
Result<std::vector<std::string>> readRecordIo(std::string_view stream);

/// What SageMaker streams for an augmented manifest in Pipe mode with RecordWrapperType RecordIO: for every
/// line, one record per attribute in attributeNames order — the bytes of the object for names ending in
/// -ref (paths resolved against the manifest's folder), else the value's string form (strings as they are,
/// anything else as compact JSON). A line missing an attribute is an error naming file and line.
Result<std::string> pipeStream(const std::string &manifestPath, const std::vector<std::string> &attributeNames);

struct Channel
{
    std::string name;     ///< train, validation, ...
    std::string s3Uri;    ///< the augmented manifest's S3 URI
    std::vector<std::string> attributeNames;
    std::string contentType = "application/x-recordio";
};

struct TrainingJobSpec
{
    std::string name;       ///< [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}
    std::string roleArn;
    std::string image;      ///< the training image URI
    std::map<std::string, std::string> hyperparameters;
    std::vector<std::pair<std::string, std::string>> metricDefinitions; ///< name, regex
    std::vector<Channel> channels;
    std::string outputPath; ///< s3://...
    std::string instanceType = "ml.m5.xlarge";
    int instanceCount = 1;
    int volumeSizeGb = 30;
    int maxRuntimeSeconds = 86400;
};

/// The CreateTrainingJob request (for `aws sagemaker create-training-job --cli-input-json file://...`), after
/// checking SageMaker's limits: names and their patterns, 1-20 channels, 0-16 attribute names of 1-256
/// characters, at most 100 hyperparameters (keys ≤ 256, values ≤ 2500 characters), at most 40 metric
/// definitions. Augmented manifests are Pipe mode only, so every channel is Pipe with RecordIO.
Result<json::Value> createTrainingJobRequest(const TrainingJobSpec &spec);

} // namespace gw::activelearning::sagemaker
