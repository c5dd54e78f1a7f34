#include "core/io/gguf_writer.h"

#include <set>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace aletheia {
namespace {

// gguf_type ids of metadata values.
enum : uint32_t { kU32 = 4, kI32 = 5, kF32 = 6, kBool = 7, kString = 8, kArray = 9 };

struct Out {
    std::ostream& os;
    template <class T>
    void pod(T v) { os.write(reinterpret_cast<const char*>(&v), sizeof(T)); }  // GGUF is little-endian, so is x86/arm
    void str(const std::string& s) {
        pod<uint64_t>(s.size());
        os.write(s.data(), static_cast<std::streamsize>(s.size()));
    }
    void pad(uint64_t written) {
        static const char zeros[kGgufAlignment] = {};
        os.write(zeros, static_cast<std::streamsize>((kGgufAlignment - written % kGgufAlignment) % kGgufAlignment));
    }
};

struct ValueWriter {
    Out& o;
    void operator()(const std::string& v) { o.pod(kString); o.str(v); }
    void operator()(uint32_t v) { o.pod(kU32); o.pod(v); }
    void operator()(int32_t v) { o.pod(kI32); o.pod(v); }
    void operator()(float v) { o.pod(kF32); o.pod(v); }
    void operator()(bool v) { o.pod(kBool); o.pod<uint8_t>(v ? 1 : 0); }
    void operator()(const std::vector<std::string>& v) {
        o.pod(kArray); o.pod(kString); o.pod<uint64_t>(v.size());
        for (const auto& s : v) o.str(s);
    }
    template <class T>
    void array(uint32_t type, const std::vector<T>& v) {
        o.pod(kArray); o.pod(type); o.pod<uint64_t>(v.size());
        for (T x : v) o.pod(x);
    }
    void operator()(const std::vector<int32_t>& v) { array(kI32, v); }
    void operator()(const std::vector<float>& v) { array(kF32, v); }
};

// The tensor's bytes as the file stores them (CPU, contiguous).
torch::Tensor encoded(const GgufTensor& t) {
    const torch::Tensor x = t.data.detach().to(torch::kCPU);
    switch (t.type) {
        case GgufType::F32: return x.to(torch::kFloat32).contiguous();
        case GgufType::F16: return x.to(torch::kFloat16).contiguous();
        case GgufType::BF16: return x.to(torch::kBFloat16).contiguous();
        case GgufType::Q8_0: return quantizeQ8_0(x);
    }
    fail("unknown GGUF tensor type");
}

uint64_t encodedBytes(const GgufTensor& t) {
    const uint64_t n = static_cast<uint64_t>(t.data.numel());
    switch (t.type) {
        case GgufType::F32: return n * 4;
        case GgufType::F16:
        case GgufType::BF16: return n * 2;
        case GgufType::Q8_0: return n / kQ8Block * 34;
    }
    return 0;
}

}  // namespace

GgufType ggufTypeFromName(const std::string& name) {
    for (GgufType t : {GgufType::F32, GgufType::F16, GgufType::BF16, GgufType::Q8_0})
        if (ggufTypeName(t) == name) return t;
    fail("unknown GGUF tensor type '" + name + "' (use f32, f16, bf16 or q8_0)");
}

std::string ggufTypeName(GgufType t) {
    switch (t) {
        case GgufType::F32: return "f32";
        case GgufType::F16: return "f16";
        case GgufType::BF16: return "bf16";
        case GgufType::Q8_0: return "q8_0";
    }
    return "?";
}

uint32_t ggufFileType(GgufType t) {
    switch (t) {  // llama_ftype: ALL_F32, MOSTLY_F16, MOSTLY_BF16, MOSTLY_Q8_0
        case GgufType::F32: return 0;
        case GgufType::F16: return 1;
        case GgufType::BF16: return 32;
        case GgufType::Q8_0: return 7;
    }
    return 0;
}

GgufType storedGgufType(GgufType wanted, const torch::Tensor& t) {
    if (t.dim() <= 1) return GgufType::F32;
    if (wanted == GgufType::Q8_0 && t.size(-1) % kQ8Block != 0) return GgufType::F16;
    return wanted;
}

torch::Tensor quantizeQ8_0(const torch::Tensor& x) {
    if (x.numel() % kQ8Block != 0) fail("q8_0 needs a multiple of 32 values, got " + std::to_string(x.numel()));
    // In fp32 throughout, in the order of ggml's reference quantize_row_q8_0 (x * (1/d)).
    const torch::Tensor blocks = x.detach().to(torch::kCPU, torch::kFloat32).reshape({-1, kQ8Block});
    const torch::Tensor d = blocks.abs().amax(1, true) / 127.0f;
    const torch::Tensor id = torch::where(d == 0, torch::zeros_like(d), 1.0f / d);
    const torch::Tensor v = blocks * id;
    // roundf: half away from zero (torch::round would round half to even).
    const torch::Tensor a = v.abs(), fl = a.floor();
    const torch::Tensor q = (v.sign() * (fl + (2 * (a - fl)).floor())).to(torch::kInt8);
    const torch::Tensor dBytes = d.to(torch::kFloat16).view(torch::kUInt8);  // [n, 2]
    return torch::cat({dBytes, q.view(torch::kUInt8)}, 1).reshape({-1}).contiguous();
}

void writeGguf(const std::string& path, const GgufFile& file) {
    std::set<std::string> seen;
    for (const auto& t : file.tensors) {
        if (!seen.insert(t.name).second) failIn(path, "duplicate tensor name", t.name);
        if (!t.data.defined() || t.data.dim() < 1 || t.data.dim() > 4)
            failIn(path, "a GGUF tensor has 1 to 4 dimensions", t.name);
        if (t.type == GgufType::Q8_0 && t.data.size(-1) % kQ8Block != 0)
            failIn(path, "q8_0 needs rows of a multiple of 32 values, got " + std::to_string(t.data.size(-1)), t.name);
    }
    writeFileAtomically(path, [&](std::ostream& os) {
        Out o{os};
        o.pod<uint32_t>(0x46554747);  // "GGUF"
        o.pod<uint32_t>(3);
        o.pod<uint64_t>(file.tensors.size());
        o.pod<uint64_t>(file.metadata.size() + 1);
        ValueWriter vw{o};
        o.str("general.alignment");
        vw(static_cast<uint32_t>(kGgufAlignment));
        for (const auto& [key, value] : file.metadata) {
            o.str(key);
            std::visit(vw, value);
        }
        uint64_t offset = 0;
        for (const auto& t : file.tensors) {
            o.str(t.name);
            o.pod<uint32_t>(static_cast<uint32_t>(t.data.dim()));
            for (int64_t i = t.data.dim() - 1; i >= 0; --i) o.pod<uint64_t>(static_cast<uint64_t>(t.data.size(i)));
            o.pod<uint32_t>(static_cast<uint32_t>(t.type));
            o.pod<uint64_t>(offset);
            offset += (encodedBytes(t) + kGgufAlignment - 1) / kGgufAlignment * kGgufAlignment;
        }
        o.pad(static_cast<uint64_t>(os.tellp()));
        for (const auto& t : file.tensors) {
            torch::Tensor bytes;
            try {
                bytes = encoded(t);
            } catch (const Error& e) {
                failIn(path, e.problem(), t.name);
            } catch (const std::exception& e) {  // torch's own (a tensor it cannot bring to the CPU)
                failIn(path, std::string("cannot convert the tensor: ") + e.what(), t.name);
            }
            const auto n = static_cast<uint64_t>(bytes.numel() * bytes.element_size());
            os.write(static_cast<const char*>(bytes.data_ptr()), static_cast<std::streamsize>(n));
            o.pad(n);
        }
    });
}

}  // namespace aletheia
