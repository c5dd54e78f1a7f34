core_module(train DEPS lora model io text)
# CUDA allocator statistics need libc10_cuda, present only in CUDA builds of libtorch.
if(C10_CUDA_LIBRARY)
  target_compile_definitions(aletheia_train PRIVATE ALETHEIA_TORCH_CUDA)
endif()
