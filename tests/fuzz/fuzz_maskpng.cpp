// Mask PNGs as the readers take them: decoded to class values, checked against a job's classes.
#include "datasets/mask.h"
#include "fuzzutil.h"

using namespace gw;
namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string png(reinterpret_cast<const char *>(data), size);
    auto m = datasets::mask::decode(png, {{0xff0000, 1}, {0x00ff00, 2}});
    (void)datasets::mask::classIds(png);
    if (!m)
        return 0;
    std::vector<datasets::LabelClass> classes = {{0, "road", "#ff0000", {}, {}}, {1, "car", "#00ff00", {}, {}}};
    auto stored = datasets::mask::storedFromGroundTruth(*m, classes);
    if (stored)
        (void)datasets::mask::remapClass(*stored, 0, 1);
    return 0;
}
