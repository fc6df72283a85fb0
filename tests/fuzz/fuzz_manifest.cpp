// Ground Truth manifests (input and output, every task type): strict, then --skip-bad, then as labels only.
#include "datasets/manifest.h"
#include "fuzzutil.h"

using namespace gw;
namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Scratch s;
    const fs::path file = s.dir / "in.manifest";
    fuzz::writeFile(file, std::string_view(reinterpret_cast<const char *>(data), size));
    fuzz::writeImage(s.dir / "a.png");
    datasets::ImportOptions o;
    (void)datasets::importManifest(*s.store, file.string(), o);
    o.skipBad = true;
    (void)datasets::importManifest(*s.store, file.string(), o);
    o.labelsOnly = true;
    (void)datasets::importManifest(*s.store, file.string(), o);
    return 0;
}
