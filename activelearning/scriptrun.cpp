#include "activelearning/scriptrun.h"

#include "datasets/json.h"
#include "datasets/linereader.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSaveFile>
#include <QThread>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

namespace gw::activelearning {

namespace fs = std::filesystem;

namespace {


std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    std::replace(s.begin(), s.end(), '-', '_');
    std::replace(s.begin(), s.end(), '.', '_');
    return s;
}

/// Puts a manifest and the media its `-ref` attributes name into a channel folder, as File mode would have
/// them: each local file (a path relative to the manifest, an absolute path or file://) is linked or copied
/// under the folder at its path relative to the manifest (files from elsewhere under external/), and the
/// manifest's references are rewritten relative to the folder. Remote references (s3://, ...) stay as they
/// are; a missing file keeps its reference and is reported.
Result<> placeChannel(const std::string &manifest, const fs::path &dir, const std::function<void(const std::string &)> &log)
{
    datasets::LineReader reader;
    if (auto r = reader.open(manifest); !r)
        return fail(r.error());
    const fs::path base = fs::absolute(manifest).parent_path();
    const fs::path outPath = dir / fs::path(manifest).filename();
    std::ofstream out(outPath, std::ios::binary);
    if (!out)
        return fail(Error::io(outPath.string() + ": cannot write"));
    std::map<std::string, std::string> placed; // source file → its reference in the channel
    std::vector<std::string> missing;
    int64_t remote = 0, lineNo = 0;
    std::string_view line;
    std::error_code ec;
    while (reader.next(line)) {
        ++lineNo;
        json::Value v;
        json::ParseError error;
        if (line.find("-ref\"") == std::string_view::npos || !json::parse(line, v, &error) || !v.isObject()) {
            if (!line.empty() && line.find("-ref\"") != std::string_view::npos)
                return fail(Error::invalid(manifest + ":" + std::to_string(lineNo) + ": not a JSON object: " + error.message));
            out << line << '\n';
            continue;
        }
        for (auto &[key, value] : v.object().members()) {
            if (!key.ends_with("-ref") || !value.isString())
                continue;
            std::string ref = value.toString();
            if (ref.rfind("file://", 0) == 0)
                ref = ref.substr(7);
            else if (ref.find("://") != std::string::npos) {
                ++remote;
                continue;
            }
            const fs::path source = fs::path(ref).is_absolute() ? fs::path(ref) : base / ref;
            const std::string sourceKey = source.lexically_normal().string();
            auto done = placed.find(sourceKey);
            if (done == placed.end()) {
                if (!fs::is_regular_file(source, ec)) {
                    missing.push_back(ref);
                    continue;
                }
                fs::path rel = source.lexically_normal().lexically_relative(base);
                if (rel.empty() || *rel.begin() == "..")
                    rel = fs::path("external") / (std::to_string(placed.size()) + "_" + source.filename().string());
                const fs::path target = dir / rel;
                fs::create_directories(target.parent_path(), ec);
                fs::remove(target, ec);
                fs::create_hard_link(source, target, ec);
                if (ec)
                    fs::copy_file(source, target, fs::copy_options::overwrite_existing, ec);
                if (ec)
                    return fail(Error::io(source.string() + ": cannot put it into the channel: " + ec.message()));
                done = placed.emplace(sourceKey, rel.generic_string()).first;
            }
            value = json::Value(done->second);
        }
        out << json::toString(v) << '\n';
    }
    if (auto r = reader.status(); !r)
        return fail(r.error());
    out.close();
    if (!out)
        return fail(Error::io(outPath.string() + ": cannot write (disk full?)"));
    if (log) {
        log("channel " + dir.filename().string() + ": " + std::to_string(lineNo) + " manifest lines, " +
            std::to_string(placed.size()) + " media files" + (remote ? ", " + std::to_string(remote) + " remote references left as they are" : ""));
        if (!missing.empty()) {
            std::string list;
            for (size_t i = 0; i < missing.size() && i < 5; ++i)
                list += (i ? ", " : "") + missing[i];
            log("channel " + dir.filename().string() + ": " + std::to_string(missing.size()) + " media files are missing: " +
                list + (missing.size() > 5 ? ", ..." : ""));
        }
    }
    return {};
}

} // namespace

std::string formatNumber(double v, int decimals)
{
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    return ec == std::errc() ? std::string(buf, end) : std::string("nan");
}

Result<> writeFileAtomically(const std::string &path, const std::string &text)
{
    QSaveFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), qint64(text.size())) != qint64(text.size()) || !f.commit())
        return fail(Error::io(path + ": cannot write" + (f.errorString().isEmpty() ? "" : ": " + f.errorString().toStdString())));
    return {};
}

bool parseNumber(std::string_view text, double &out)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

Result<std::vector<std::string>> prepareRunDirectory(const ScriptRunSpec &s)
{
    const fs::path root = fs::absolute(s.runDir);
    std::error_code ec;
    for (const char *sub : {"input/config", "input/data", "model", "output/data"}) {
        fs::create_directories(root / sub, ec);
        if (ec)
            return fail(Error::io((root / sub).string() + ": cannot create: " + ec.message()));
    }
    json::Object hps, dataConfig;
    for (const auto &[k, v] : s.hyperparameters)
        hps.set(k, v); // strings, as SageMaker passes them
    json::Array channelNames;
    std::vector<std::string> env;
    for (const auto &[name, manifest] : s.channels) {
        const fs::path dir = root / "input/data" / name;
        fs::create_directories(dir, ec);
        if (ec)
            return fail(Error::io(dir.string() + ": cannot create: " + ec.message()));
        if (auto r = placeChannel(manifest, dir, s.onLog); !r)
            return fail(r.error());
        json::Object c;
        c.set("ContentType", "application/jsonlines");
        c.set("TrainingInputMode", "File");
        c.set("S3DistributionType", "FullyReplicated");
        c.set("RecordWrapperType", "None");
        dataConfig.set(name, std::move(c));
        channelNames.emplace_back(name);
        env.push_back("SM_CHANNEL_" + upper(name) + "=" + dir.string());
    }
    json::Object resources;
    resources.set("current_host", "algo-1");
    resources.set("hosts", json::Array{json::Value("algo-1")});
    resources.set("network_interface_name", "lo");
    const std::string hpsText = json::toString(json::Value(hps));
    if (auto r = writeFileAtomically((root / "input/config/hyperparameters.json").string(), hpsText); !r)
        return fail(r.error());
    if (auto r = writeFileAtomically((root / "input/config/inputdataconfig.json").string(), json::toString(json::Value(std::move(dataConfig))));
        !r)
        return fail(r.error());
    if (auto r = writeFileAtomically((root / "input/config/resourceconfig.json").string(), json::toString(json::Value(std::move(resources))));
        !r)
        return fail(r.error());
    env.push_back("SM_MODEL_DIR=" + (root / "model").string());
    env.push_back("SM_INPUT_DIR=" + (root / "input").string());
    env.push_back("SM_INPUT_CONFIG_DIR=" + (root / "input/config").string());
    env.push_back("SM_OUTPUT_DIR=" + (root / "output").string());
    env.push_back("SM_OUTPUT_DATA_DIR=" + (root / "output/data").string());
    env.push_back("SM_CHANNELS=" + json::toString(json::Value(std::move(channelNames))));
    env.push_back("SM_HPS=" + hpsText);
    for (const auto &[k, v] : s.hyperparameters)
        env.push_back("SM_HP_" + upper(k) + "=" + v);
    env.push_back("SM_CURRENT_HOST=algo-1");
    env.push_back("SM_HOSTS=[\"algo-1\"]");
    env.push_back("SM_NUM_CPUS=" + std::to_string(std::max(1, QThread::idealThreadCount())));
    env.push_back("SM_NUM_GPUS=0");
    env.push_back("TRAINING_JOB_NAME=" + s.jobName);
    return env;
}

Result<ScriptRunResult> runScript(const ScriptRunSpec &s)
{
    auto env = prepareRunDirectory(s);
    if (!env)
        return fail(env.error());
    std::vector<std::pair<std::string, std::regex>> metrics;
    for (const auto &[name, regex] : s.metricDefinitions) {
        try {
            metrics.emplace_back(name, std::regex(regex));
        } catch (const std::regex_error &e) {
            return fail(Error::invalid("metric '" + name + "': the regular expression does not compile: " + e.what()));
        }
    }
    const fs::path root = fs::absolute(s.runDir);
    QFile log(QString::fromStdString((root / "output/log.txt").string()));
    if (!log.open(QIODevice::WriteOnly))
        return fail(Error::io((root / "output/log.txt").string() + ": cannot write"));

    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const std::string &kv : *env) {
        const size_t eq = kv.find('=');
        environment.insert(QString::fromStdString(kv.substr(0, eq)), QString::fromStdString(kv.substr(eq + 1)));
    }
    process.setProcessEnvironment(environment);
    process.setWorkingDirectory(QString::fromStdString(root.string()));
    process.setProcessChannelMode(QProcess::MergedChannels);
    // Its own process group, so that a stop takes the whole tree; and it dies with this process should that be
    // killed before it has recorded the group (onStart below): otherwise nothing could find it any more.
    const pid_t parent = ::getpid();
    process.setChildProcessModifier([parent] {
        ::setsid();
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) // the parent died before the line above
            ::_exit(127);
    });
    ScriptRunResult result;
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QString::fromStdString(s.command)});
    if (!process.waitForStarted(10000))
        return fail(Error::io("cannot start /bin/sh: " + process.errorString().toStdString()));
    std::string pending;
    auto take = [&](bool flushAll) {
        const QByteArray bytes = process.readAll();
        log.write(bytes);
        pending.append(bytes.constData(), size_t(bytes.size()));
        size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos || (flushAll && !pending.empty())) {
            const std::string line = nl == std::string::npos ? pending : pending.substr(0, nl);
            pending.erase(0, nl == std::string::npos ? pending.size() : nl + 1);
            for (const auto &[name, re] : metrics) {
                std::smatch m;
                if (std::regex_search(line, m, re) && m.size() > 1) {
                    double value = 0;
                    if (parseNumber(m[1].str(), value)) { // not a number: not a value
                        result.metrics[name].push_back(value);
                        if (s.onMetric)
                            s.onMetric(name, int(result.metrics[name].size()), value);
                    }
                }
            }
            if (s.onLog)
                s.onLog(line);
        }
    };
    const qint64 pid = process.processId();
    if (s.onStart && pid > 0)
        s.onStart(int64_t(pid));
    qint64 termAt = -1;
    while (process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(100);
        take(false);
        if (!result.stopped && s.shouldStop && s.shouldStop()) {
            result.stopped = true;
            ::kill(-pid_t(pid), SIGTERM); // the process group, as SageMaker's StopTrainingJob does
            termAt = timer.elapsed();
        }
        if (termAt >= 0 && timer.elapsed() - termAt > 5000)
            ::kill(-pid_t(pid), SIGKILL);
    }
    take(true);
    if (result.stopped)
        ::kill(-pid_t(pid), SIGKILL); // children that outlived the shell
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.seconds = double(timer.elapsed()) / 1000.0;
    QFile failure(QString::fromStdString((root / "output/failure").string()));
    if (failure.open(QIODevice::ReadOnly))
        result.failure = failure.read(1024).toStdString();
    return result;
}

} // namespace gw::activelearning
