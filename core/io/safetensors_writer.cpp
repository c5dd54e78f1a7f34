#include "core/io/safetensors_writer.h"

#include <set>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_dtype.h"

namespace aletheia {

void writeSafetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
    // ordered_json keeps the header in write order, which matches the data order.
    nlohmann::ordered_json header;
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    meta["format"] = "pt";
    for (const auto& [k, v] : metadata) meta[k] = v;
    header["__metadata__"] = meta;
    std::set<std::string> seen;
    uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        if (name == "__metadata__" || !seen.insert(name).second) failIn(path, "duplicate tensor name", name);
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.element_size();
        header[name] = {{"dtype", safetensorsDtypeName(t.scalar_type())},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string h = header.dump();
    h.append((8 - h.size() % 8) % 8, ' ');  // data section starts 8-aligned
    writeFileAtomically(path, [&](std::ostream& out) {
        const uint64_t n = h.size();
        out.write(reinterpret_cast<const char*>(&n), 8);
        out.write(h.data(), static_cast<std::streamsize>(h.size()));
        for (const auto& [name, t] : tensors) {
            // One tensor at a time on the CPU: peak extra memory is the largest tensor, not the model.
            const torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
            out.write(static_cast<const char*>(c.data_ptr()), static_cast<std::streamsize>(c.numel() * c.element_size()));
        }
    });
}

}  // namespace aletheia
