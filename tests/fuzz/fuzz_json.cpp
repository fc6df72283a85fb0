// The JSON parser under every manifest and JSON format: what it accepts it writes back as valid UTF-8 JSON
// that parses to the same text again.
#include "datasets/json.h"
#include "datasets/text/utf8.h"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace gw;
    json::Value v;
    if (!json::parse(std::string_view(reinterpret_cast<const char *>(data), size), v))
        return 0;
    const std::string once = json::toString(v);
    if (datasets::utf8::firstInvalid(once) != std::string_view::npos)
        std::abort();
    json::Value again;
    if (!json::parse(once, again) || json::toString(again) != once)
        std::abort();
    return 0;
}
