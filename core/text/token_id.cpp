#include "core/text/token_id.h"

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace aletheia::text {

int32_t tokenIdOf(const nlohmann::json& v, const std::string& key) {
    // is_number_integer: 1e308 and 1.5 are floats; get<> on them would be an unchecked cast.
    const bool ok = v.is_number_unsigned() ? v.get<uint64_t>() < uint64_t(kMaxTokenIds)
                                           : v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() < kMaxTokenIds;
    if (!ok)
        throw Error("token id must be an integer in [0, " + std::to_string(kMaxTokenIds) + "), got " + v.dump(),
                    {"", key, -1});
    return static_cast<int32_t>(v.get<int64_t>());
}

}  // namespace aletheia::text
