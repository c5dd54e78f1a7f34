#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/cli/commands.h"
#include "core/common/error.h"
#include "core/common/json_parse.h"
#include "core/text/tokenizer.h"

namespace aletheia::cli {

namespace {

// --jsonl: every non-empty stdin line is one JSON string; prints one id array per line.
void tokenizeLines(const Tokenizer& tok, bool special) {
    std::string line;
    long lineNo = 0;
    while (std::getline(std::cin, line)) {
        ++lineNo;
        if (line.empty()) continue;
        const nlohmann::json text = parseJson(line, "<stdin>", lineNo);
        if (!text.is_string()) failIn("<stdin>", "expected a JSON string, got " + std::string(text.type_name()), {}, lineNo);
        std::cout << nlohmann::json(tok.encode(text.get<std::string>(), special)).dump() << "\n";
    }
}

}  // namespace

CommandSpec tokenizeCommand() {
    CommandSpec c;
    c.name = "tokenize";
    c.summary = "print the token ids of stdin as JSON";
    c.usage = "aletheia tokenize <model-or-tokenizer-dir> [--special] [--jsonl] < text";
    c.description =
        "Reads all of stdin as one UTF-8 text and prints its ids as one JSON array.\n"
        "With --jsonl, each stdin line is a JSON string and each output line the JSON array of its ids.\n"
        "The argument is a folder with tokenizer.json (or .json.gz), or such a file.";
    c.options = {{"special", "", "add special tokens (as add_special_tokens=True would)"},
                 {"jsonl", "", "one JSON string per input line, one array per output line"}};
    c.minPositionals = c.maxPositionals = 1;
    c.run = [](const ParsedArgs& a) {
        const Tokenizer tok = Tokenizer::fromFile(a.positionals[0]);
        const bool special = a.has("special");
        if (a.has("jsonl")) {
            tokenizeLines(tok, special);
        } else {
            const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
            std::cout << nlohmann::json(tok.encode(text, special)).dump() << "\n";
        }
        return 0;
    };
    return c;
}

}  // namespace aletheia::cli
