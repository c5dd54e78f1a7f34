#pragma once
// YAML that must be refused before yaml-cpp's recursion or an alias expansion can hurt: shared
// by the experiment (tst_config) and plan (tst_plan) tests. `line`: where the error must point.
#include <QtTest/QtTest>

#include <string>

struct HostileYaml {
    const char* name;
    std::string text;
    long line;
};

inline std::vector<HostileYaml> hostileYamls() {
    std::string block;  // 100 mappings, each indented one more space
    for (int i = 0; i < 100; ++i) block += std::string(size_t(i), ' ') + "k" + std::to_string(i) + ":\n";
    std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";  // 10^10 nodes once expanded
    for (int i = 1; i < 10; ++i) {
        bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int j = 0; j < 10; ++j) bomb += (j ? ", *a" : "*a") + std::to_string(i - 1);
        bomb += "]\n";
    }
    return {
        {"flow sequences 100000 deep", "layers: " + std::string(100000, '['), 1},
        {"flow mappings 100000 deep, line 3", "# a plan\n\nlayers: " + std::string(100000, '{'), 3},
        {"compact sequences 100000 deep", "layers:\n" + [] { std::string s; for (int i = 0; i < 100000; ++i) s += "- "; return s + "x\n"; }(), 2},
        {"block mappings 100 deep", block, 65},
        {"alias bomb", bomb, -1},
    };
}

// Deep-looking text that is not nesting: brackets in quotes, comments and block scalars.
inline std::string yamlWithBracketsInScalars() {
    return "# " + std::string(200, '[') + "\n"
           "a: '" + std::string(200, '[') + "'\n"
           "b: \"" + std::string(200, '{') + "\"\n"
           "c: |\n  " + std::string(200, '[') + "\n  more\n";
}

// The rows of a data function over hostileYamls(): column "i", the index of the case.
inline void addHostileYamlRows() {
    QTest::addColumn<int>("i");
    const auto cases = hostileYamls();
    for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i);
}
