// Loads the libtorch module on first use and forwards the model factories to it (see torch/backend.h).

#include "activelearning/models.h"
#include "activelearning/torch/backend.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibrary>

#include <cstdlib>
#include <mutex>

namespace gw::activelearning {

namespace {

struct LoadedBackend
{
    const ModelBackend *table = nullptr;
    std::string path;
    std::string error;
};

/// Where the module may be: $GW_MODEL_BACKEND, next to the program, ../lib/groundwork from it (an
/// installation), and where this build tree put it.
QStringList candidatePaths()
{
    QStringList paths;
    if (const QString env = qEnvironmentVariable("GW_MODEL_BACKEND"); !env.isEmpty())
        return {env};
    if (QCoreApplication::instance()) {
        const QDir dir(QCoreApplication::applicationDirPath());
        paths << dir.filePath(QStringLiteral("libgw_torch.so"))
              << dir.filePath(QStringLiteral("../lib/groundwork/libgw_torch.so"));
    }
    paths << QStringLiteral(GW_MODEL_BACKEND_BUILD_PATH);
    return paths;
}

LoadedBackend load()
{
    // Read by libgomp when it is loaded, which happens with libtorch just below.
    if (qEnvironmentVariableIsEmpty("OMP_WAIT_POLICY"))
        qputenv("OMP_WAIT_POLICY", "passive");
    LoadedBackend loaded;
    QStringList tried;
    for (const QString &path : candidatePaths()) {
        if (!QFileInfo::exists(path)) {
            tried << path;
            continue;
        }
        QLibrary library(path);
        if (!library.load()) {
            loaded.error = "the model module " + path.toStdString() + " could not be loaded: " +
                           library.errorString().toStdString();
            return loaded;
        }
        using Entry = const ModelBackend *(*)();
        const auto entry = reinterpret_cast<Entry>(library.resolve(kModelBackendSymbol));
        const ModelBackend *table = entry ? entry() : nullptr;
        if (!table || table->abi != kModelBackendAbi) {
            loaded.error = "the model module " + path.toStdString() +
                           " belongs to another build of Groundwork (reinstall or rebuild it)";
            return loaded;
        }
        loaded.table = table; // the library stays loaded for the life of the process
        loaded.path = path.toStdString();
        return loaded;
    }
    loaded.error = "the model module libgw_torch.so was not found (looked for " +
                   tried.join(QStringLiteral(", ")).toStdString() + "); set GW_MODEL_BACKEND to its path";
    return loaded;
}

const LoadedBackend &loadedBackend()
{
    static std::once_flag once;
    static LoadedBackend loaded;
    std::call_once(once, [] { loaded = load(); });
    return loaded;
}

Result<const ModelBackend *> backend()
{
    const LoadedBackend &loaded = loadedBackend();
    if (!loaded.table)
        return fail(Error::notFound(loaded.error));
    return loaded.table;
}

} // namespace

Result<std::string> loadModelBackend()
{
    if (const auto b = backend(); !b)
        return fail(b.error());
    return loadedBackend().path;
}

Result<std::unique_ptr<ItemClassifier>> makeTextClassifier(std::vector<std::string> texts)
{
    const auto b = backend();
    if (!b)
        return fail(b.error());
    return (*b)->makeText(std::move(texts));
}

Result<std::unique_ptr<ItemClassifier>> makeImageClassifier(std::shared_ptr<const ImageInputs> inputs)
{
    const auto b = backend();
    if (!b)
        return fail(b.error());
    return (*b)->makeImage(std::move(inputs));
}

Result<std::unique_ptr<ItemClassifier>> makeEmbeddingClassifier(std::shared_ptr<const ImageInputs> inputs,
                                                                const std::string &torchScriptPath, int threads)
{
    const auto b = backend();
    if (!b)
        return fail(b.error());
    return (*b)->makeEmbedding(std::move(inputs), torchScriptPath, threads);
}

Result<std::unique_ptr<BoxDetector>> makeBoxDetector(std::shared_ptr<const ImageInputs> inputs)
{
    const auto b = backend();
    if (!b)
        return fail(b.error());
    return (*b)->makeDetector(std::move(inputs));
}

} // namespace gw::activelearning
