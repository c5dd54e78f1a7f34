#include "core/demo/shipped_demo.h"

// The files are assembled into .rodata with .incbin (GNU as and clang's assembler), so they cost
// no compile time. ALETHEIA_SHIPPED_DEMO_DIR and ALETHEIA_SHIPPED_DEMO_SHA come from
// core/demo/module.cmake; the hash changes this file's preprocessed text when the files change,
// so compiler caches (ccache) do not serve a stale object.
#define ALETHEIA_INCBIN(sym, file)                              \
    __asm__(".section .rodata\n"                                \
            ".balign 64\n"                                      \
            ".globl " #sym "_begin\n" #sym "_begin:\n"          \
            ".incbin \"" ALETHEIA_SHIPPED_DEMO_DIR "/" file "\"\n" \
            ".globl " #sym "_end\n" #sym "_end:\n"              \
            ".byte 0\n"                                         \
            ".previous\n")

ALETHEIA_INCBIN(aletheia_demo_weights, "model.safetensors");
ALETHEIA_INCBIN(aletheia_demo_info, "demo_info.json");

extern "C" const char aletheia_demo_weights_begin[], aletheia_demo_weights_end[];
extern "C" const char aletheia_demo_info_begin[], aletheia_demo_info_end[];

namespace aletheia::demo {

[[maybe_unused]] static constexpr const char* kShippedDemoSha = ALETHEIA_SHIPPED_DEMO_SHA;

ShippedDemo shippedDemo() {
    return {{aletheia_demo_weights_begin, static_cast<size_t>(aletheia_demo_weights_end - aletheia_demo_weights_begin)},
            {aletheia_demo_info_begin, static_cast<size_t>(aletheia_demo_info_end - aletheia_demo_info_begin)}};
}

}  // namespace aletheia::demo
