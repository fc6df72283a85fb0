#pragma once

// Errors as values at library boundaries (after Qt Creator's Utils::Result): a message a user can act on,
// naming the file and line where there is one.

#include <expected>
#include <string>

namespace gw {

struct Error
{
    enum class Code { Invalid, NotFound, Conflict, Io, Busy, Cancelled, Internal };

    Code code = Code::Invalid;
    std::string message;

    static Error invalid(std::string m) { return {Code::Invalid, std::move(m)}; }
    static Error notFound(std::string m) { return {Code::NotFound, std::move(m)}; }
    static Error conflict(std::string m) { return {Code::Conflict, std::move(m)}; }
    static Error io(std::string m) { return {Code::Io, std::move(m)}; }
    static Error busy(std::string m) { return {Code::Busy, std::move(m)}; }
    static Error cancelled() { return {Code::Cancelled, "cancelled"}; }
    static Error internal(std::string m) { return {Code::Internal, std::move(m)}; }
};

template<typename T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

} // namespace gw
