// One harness per dataset format, built from this file once per format (tests/fuzz/CMakeLists.txt sets
// GW_FUZZ_FORMAT, and GW_FUZZ_FILE for a format that reads one file): the input is unpacked into a folder
// beside a few real images (fuzz_format.h), or is that one file, and the format reads it.
#include "fuzz_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
#ifdef GW_FUZZ_FILE
    gw::fuzz::readFormat(GW_FUZZ_FORMAT, "--gwfile " GW_FUZZ_FILE "\n" + std::string(bytes), GW_FUZZ_FILE);
#else
    gw::fuzz::readFormat(GW_FUZZ_FORMAT, bytes);
#endif
    return 0;
}
