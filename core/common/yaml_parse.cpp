#include "core/common/yaml_parse.h"

#include <cctype>
#include <utility>
#include <vector>

#include "core/common/error.h"

namespace aletheia {
namespace {

[[noreturn]] void tooDeep(const std::string& source, long line) {
    failIn(source, "YAML nested deeper than " + std::to_string(kMaxYamlDepth) + " levels", {}, line);
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

// A linear scan that over-estimates the nesting yaml-cpp will see: open block levels (by
// indentation), compact "- "/"? " entries on one line, open flow brackets. Quoted scalars,
// comments and block scalars (| >) are skipped so that their brackets do not count.
void checkDepth(const std::string& text, const std::string& source) {
    std::vector<size_t> indents;  // indentation of the open block levels
    int flow = 0;
    char quote = 0;               // inside a '...' or "..." scalar (may span lines)
    long blockScalarIndent = -1;  // inside a | or > scalar: lines indented deeper than this
    long lineNo = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        const size_t end = std::min(text.find('\n', pos), text.size());
        const std::string_view line(text.data() + pos, end - pos);
        ++lineNo;
        pos = end + 1;
        size_t i = 0;
        while (i < line.size() && line[i] == ' ') ++i;
        const bool blank = i == line.size() || line[i] == '#' || line[i] == '\r';
        if (blockScalarIndent >= 0 && (blank || long(i) > blockScalarIndent)) continue;
        blockScalarIndent = -1;
        if (!quote && flow == 0) {
            if (blank) continue;
            while (!indents.empty() && i < indents.back()) indents.pop_back();
            if (indents.empty() || i > indents.back()) indents.push_back(i);
        }
        int compact = 0;
        if (!quote)
            while (i < line.size() && (line[i] == '-' || line[i] == '?') && (i + 1 == line.size() || isBlank(line[i + 1]))) {
                ++compact;
                i += 2;
                while (i < line.size() && isBlank(line[i])) ++i;
            }
        char prev = ' ';        // last non-blank character outside quotes: a quote opens only at a token start
        char tokenStart = ' ';  // first character of the line's last token ("|-" starts a block scalar)
        for (; i < line.size(); ++i) {
            const char c = line[i];
            if (quote) {
                if (c == '\\' && quote == '"') ++i;
                else if (c == quote) quote = 0, prev = c;
                continue;
            }
            if ((c == '\'' || c == '"') && std::string_view(" :-[{,?").find(prev) != std::string_view::npos) quote = c;
            else if (c == '#' && (i == 0 || isBlank(line[i - 1]))) break;
            else if (c == '[' || c == '{') ++flow;
            else if ((c == ']' || c == '}') && flow > 0) --flow;
            if (!isBlank(c) && (i == 0 || isBlank(line[i - 1]))) tokenStart = c;
            if (!isBlank(c)) prev = c;
        }
        if (long(indents.size()) + compact + flow > kMaxYamlDepth) tooDeep(source, lineNo);
        if (!quote && flow == 0 && (tokenStart == '|' || tokenStart == '>'))
            blockScalarIndent = long(indents.empty() ? 0 : indents.back());
    }
}

// Walks the tree with aliases expanded, iteratively, counting nodes and levels.
void checkTree(const YAML::Node& root, const std::string& source) {
    std::vector<std::pair<YAML::Node, int>> todo{{root, 1}};
    long nodes = 0;
    while (!todo.empty()) {
        auto [node, depth] = std::move(todo.back());
        todo.pop_back();
        const long line = node.Mark().line >= 0 ? node.Mark().line + 1 : -1;
        if (++nodes > kMaxYamlNodes)
            failIn(source, "YAML has more than " + std::to_string(kMaxYamlNodes) +
                               " nodes once its aliases are expanded (an alias bomb?)", {}, line);
        if (depth > kMaxYamlDepth) tooDeep(source, line);
        if (node.IsSequence()) {
            for (const auto& child : node) todo.push_back({child, depth + 1});
        } else if (node.IsMap()) {
            for (const auto& kv : node) {
                todo.push_back({kv.first, depth + 1});
                todo.push_back({kv.second, depth + 1});
            }
        }
    }
}

}  // namespace

YAML::Node parseYaml(const std::string& text, const std::string& source) {
    checkDepth(text, source);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        failIn(source, "YAML syntax error: " + e.msg, {}, e.mark.line >= 0 ? e.mark.line + 1 : -1);
    }
    checkTree(root, source);
    return root;
}

}  // namespace aletheia
