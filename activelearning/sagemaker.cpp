#include "activelearning/sagemaker.h"

#include "datasets/linereader.h"
#include "datasets/media.h"

#include <QFile>
#include <QFileInfo>
#include <QString>

#include <cstring>
#include <regex>

namespace gw::activelearning::sagemaker {

namespace {

void putU32(std::string &out, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out += char((v >> (8 * i)) & 0xff);
}

uint32_t getU32(std::string_view s, size_t at)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= uint32_t(static_cast<unsigned char>(s[at + size_t(i)])) << (8 * i);
    return v;
}

void putPart(std::string &out, uint32_t cflag, std::string_view data)
{
    putU32(out, kRecordIoMagic);
    putU32(out, (cflag << 29) | uint32_t(data.size()));
    out.append(data.data(), data.size());
    out.append((4 - data.size() % 4) % 4, '\0');
}

} // namespace

std::string recordIo(std::string_view data)
{
    // dmlc splits a record where the magic number appears at a 4-byte boundary (the magic itself is dropped and
    // comes back when the parts are joined): flags 1 start, 2 middle, 3 end.
    std::vector<size_t> cuts;
    for (size_t at = 0; at + 4 <= data.size(); at += 4)
        if (getU32(data, at) == kRecordIoMagic)
            cuts.push_back(at);
    std::string out;
    if (cuts.empty()) {
        putPart(out, 0, data);
        return out;
    }
    size_t begin = 0;
    for (size_t k = 0; k < cuts.size(); ++k) {
        putPart(out, k == 0 ? 1 : 2, data.substr(begin, cuts[k] - begin));
        begin = cuts[k] + 4;
    }
    putPart(out, 3, data.substr(begin));
    return out;
}

Result<std::vector<std::string>> readRecordIo(std::string_view s)
{
    std::vector<std::string> records;
    std::string pending;
    bool inMulti = false;
    size_t at = 0;
    while (at < s.size()) {
        if (at + 8 > s.size())
            return fail(Error::invalid("RecordIO: a truncated header at byte " + std::to_string(at)));
        if (getU32(s, at) != kRecordIoMagic)
            return fail(Error::invalid("RecordIO: no magic number at byte " + std::to_string(at)));
        const uint32_t lrecord = getU32(s, at + 4);
        const uint32_t cflag = lrecord >> 29, length = lrecord & ((1u << 29) - 1);
        const size_t padded = length + (4 - length % 4) % 4;
        if (at + 8 + padded > s.size())
            return fail(Error::invalid("RecordIO: the record at byte " + std::to_string(at) + " runs past the end"));
        const std::string_view data = s.substr(at + 8, length);
        switch (cflag) {
        case 0:
            if (inMulti)
                return fail(Error::invalid("RecordIO: a whole record inside a multi-part one at byte " + std::to_string(at)));
            records.emplace_back(data);
            break;
        case 1:
            pending.assign(data);
            inMulti = true;
            break;
        case 2:
        case 3: {
            if (!inMulti)
                return fail(Error::invalid("RecordIO: a continuation without a start at byte " + std::to_string(at)));
            std::string magic;
            putU32(magic, kRecordIoMagic);
            pending += magic;
            pending.append(data);
            if (cflag == 3) {
                records.push_back(std::move(pending));
                pending.clear();
                inMulti = false;
            }
            break;
        }
        default: return fail(Error::invalid("RecordIO: flag " + std::to_string(cflag) + " at byte " + std::to_string(at)));
        }
        at += 8 + padded;
    }
    if (inMulti)
        return fail(Error::invalid("RecordIO: the stream ends inside a multi-part record"));
    return records;
}

Result<std::string> pipeStream(const std::string &manifestPath, const std::vector<std::string> &attributeNames)
{
    datasets::LineReader reader;
    if (auto r = reader.open(manifestPath); !r)
        return fail(r.error());
    const std::string dir = QFileInfo(QString::fromStdString(manifestPath)).absolutePath().toStdString();
    std::string out;
    std::string_view line;
    int64_t n = 0;
    while (reader.next(line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        const std::string where = manifestPath + ":" + std::to_string(n) + ": ";
        json::Value v;
        if (!json::parse(line, v) || !v.isObject())
            return fail(Error::invalid(where + "not a JSON object"));
        for (const std::string &name : attributeNames) {
            const json::Value *a = v.find(name);
            if (!a)
                return fail(Error::invalid(where + "no attribute '" + name + "'"));
            if (name.size() >= 4 && name.compare(name.size() - 4, 4, "-ref") == 0) {
                if (!a->isString())
                    return fail(Error::invalid(where + "'" + name + "' should name an object"));
                const std::string path = datasets::media::fromManifest(dir, a->toString());
                if (datasets::media::isUri(path))
                    return fail(Error::invalid(where + a->toString() + ": only local files can be streamed here"));
                QFile file(QString::fromStdString(path));
                if (!file.open(QIODevice::ReadOnly))
                    return fail(Error::notFound(where + path + ": cannot read"));
                const QByteArray bytes = file.readAll();
                out += recordIo(std::string_view(bytes.constData(), size_t(bytes.size())));
            } else {
                out += recordIo(a->isString() ? a->toString() : json::toString(*a));
            }
        }
    }
    if (auto r = reader.status(); !r)
        return fail(r.error());
    return out;
}

Result<json::Value> createTrainingJobRequest(const TrainingJobSpec &s)
{
    static const std::regex jobName("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    static const std::regex channelName("[A-Za-z0-9.\\-_]{1,64}");
    if (!std::regex_match(s.name, jobName))
        return fail(Error::invalid("training job name '" + s.name +
                                   "': letters, digits and hyphens, at most 63, starting and ending with a letter or digit"));
    if (s.roleArn.rfind("arn:", 0) != 0)
        return fail(Error::invalid("the role should be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"));
    if (s.image.empty())
        return fail(Error::invalid("the training image is required (an ECR image URI)"));
    if (s.outputPath.rfind("s3://", 0) != 0)
        return fail(Error::invalid("the output path should be an s3:// URI"));
    if (s.channels.empty() || s.channels.size() > 20)
        return fail(Error::invalid("a training job has 1 to 20 channels"));
    if (s.hyperparameters.size() > 100)
        return fail(Error::invalid("at most 100 hyperparameters"));
    if (s.metricDefinitions.size() > 40)
        return fail(Error::invalid("at most 40 metric definitions"));
    json::Object hp;
    for (const auto &[k, v] : s.hyperparameters) {
        if (k.empty() || k.size() > 256 || v.size() > 2500)
            return fail(Error::invalid("hyperparameter '" + k + "': keys of 1-256 characters, values of at most 2500"));
        hp.set(k, v); // always strings: the container parses them
    }
    json::Array metrics;
    for (const auto &[name, regex] : s.metricDefinitions) {
        if (name.empty() || name.size() > 255 || regex.empty() || regex.size() > 500)
            return fail(Error::invalid("metric '" + name + "': a name of 1-255 characters and a regex of 1-500"));
        json::Object m;
        m.set("Name", name);
        m.set("Regex", regex);
        metrics.emplace_back(std::move(m));
    }
    json::Array channels;
    for (const Channel &c : s.channels) {
        if (!std::regex_match(c.name, channelName))
            return fail(Error::invalid("channel name '" + c.name + "': letters, digits, '.', '-', '_', at most 64"));
        if (c.s3Uri.rfind("s3://", 0) != 0)
            return fail(Error::invalid("channel '" + c.name + "': the manifest should be an s3:// URI"));
        if (c.attributeNames.size() > 16)
            return fail(Error::invalid("channel '" + c.name + "': at most 16 attribute names"));
        json::Array names;
        for (const std::string &a : c.attributeNames) {
            if (a.empty() || a.size() > 256)
                return fail(Error::invalid("channel '" + c.name + "': attribute names of 1-256 characters"));
            names.emplace_back(a);
        }
        json::Object source;
        source.set("S3DataType", "AugmentedManifestFile");
        source.set("S3Uri", c.s3Uri);
        source.set("S3DataDistributionType", "FullyReplicated");
        source.set("AttributeNames", std::move(names));
        json::Object dataSource;
        dataSource.set("S3DataSource", std::move(source));
        json::Object channel;
        channel.set("ChannelName", c.name);
        channel.set("DataSource", std::move(dataSource));
        channel.set("ContentType", c.contentType);
        channel.set("RecordWrapperType", "RecordIO");
        channel.set("CompressionType", "None");
        channel.set("InputMode", "Pipe");
        channels.emplace_back(std::move(channel));
    }
    json::Object algorithm;
    algorithm.set("TrainingImage", s.image);
    algorithm.set("TrainingInputMode", "Pipe"); // augmented manifests are Pipe mode only
    algorithm.set("MetricDefinitions", std::move(metrics));
    json::Object output;
    output.set("S3OutputPath", s.outputPath);
    json::Object resources;
    resources.set("InstanceType", s.instanceType);
    resources.set("InstanceCount", int64_t(s.instanceCount));
    resources.set("VolumeSizeInGB", int64_t(s.volumeSizeGb));
    json::Object stopping;
    stopping.set("MaxRuntimeInSeconds", int64_t(s.maxRuntimeSeconds));
    json::Object request;
    request.set("TrainingJobName", s.name);
    request.set("RoleArn", s.roleArn);
    request.set("AlgorithmSpecification", std::move(algorithm));
    request.set("HyperParameters", std::move(hp));
    request.set("InputDataConfig", std::move(channels));
    request.set("OutputDataConfig", std::move(output));
    request.set("ResourceConfig", std::move(resources));
    request.set("StoppingCondition", std::move(stopping));
    return json::Value(std::move(request));
}

} // namespace gw::activelearning::sagemaker
