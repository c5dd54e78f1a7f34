#include "core/common/json_parse.h"

#include <algorithm>
#include <cctype>

#include "core/common/error.h"

namespace aletheia {
namespace {

long lineAt(std::string_view text, size_t offset, long firstLine) {
    offset = std::min(offset, text.size());
    return firstLine + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// nlohmann's what() starts with "[json.exception.parse_error.101] "; users need only the rest.
std::string withoutPrefix(const std::string& what) {
    const auto close = what.find("] ");
    return what.rfind("[json.exception.", 0) == 0 && close != std::string::npos ? what.substr(close + 2) : what;
}

// The object key whose value starts at `at` ("key": <at>), or "" if there is none.
std::string keyBefore(std::string_view text, size_t at) {
    auto skipSpace = [&](size_t i) {
        while (i > 0 && std::isspace(static_cast<unsigned char>(text[i - 1]))) --i;
        return i;
    };
    size_t i = skipSpace(at);
    if (i == 0 || text[i - 1] != ':') return "";
    i = skipSpace(i - 1);
    if (i < 2 || text[i - 1] != '"') return "";
    const size_t close = i - 1, open = text.rfind('"', close - 1);
    if (open == std::string_view::npos) return "";
    return std::string(text.substr(open + 1, close - open - 1));
}

// One linear scan over the bytes (strings skipped) before parsing: cheaper than a parser
// callback on every value, and it knows the line of the offending bracket.
void checkDepth(std::string_view text, const std::string& source, long firstLine) {
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') ++i;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                failIn(source, "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", {},
                       lineAt(text, i, firstLine));
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

}  // namespace

nlohmann::json parseJson(std::string_view text, const std::string& source, long firstLine) {
    checkDepth(text, source, firstLine);
    try {
        return nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::parse_error& e) {
        failIn(source, "malformed JSON: " + withoutPrefix(e.what()), {}, lineAt(text, e.byte, firstLine));
    } catch (const nlohmann::json::exception& e) {
        // out_of_range.406: "number overflow parsing '1e400'"; find that number for the line.
        const std::string msg = withoutPrefix(e.what());
        long line = -1;
        std::string key;
        const auto q = msg.find('\'');
        const auto q2 = q == std::string::npos ? q : msg.find('\'', q + 1);
        if (q2 != std::string::npos) {
            const auto at = text.find(msg.substr(q + 1, q2 - q - 1));
            if (at != std::string_view::npos) {
                line = lineAt(text, at, firstLine);
                key = keyBefore(text, at);
            }
        }
        failIn(source, "malformed JSON: " + msg + " (numbers must fit a 64-bit float)", key, line);
    }
}

}  // namespace aletheia
