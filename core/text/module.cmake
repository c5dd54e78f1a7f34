core_module(text DEPS common)
# ICU: NFC/NFKC normalisers declared by tokenizer.json; zlib: reading tokenizer.json.gz directly.
pkg_check_modules(ICU_UC REQUIRED IMPORTED_TARGET icu-uc)
target_link_libraries(aletheia_text PUBLIC PkgConfig::ICU_UC z)
