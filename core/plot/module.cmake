core_module(plot DEPS common)
# zlib: deflate and crc32 for PNG.
target_link_libraries(aletheia_plot PUBLIC z)
