#include "core/model/cell_name.h"

#include <cctype>

#include "core/model/linear.h"

namespace aletheia {

namespace {
const std::string kExperts = "experts.";

// The position after "experts.<index>." (or "experts.*."), or npos when `cell` is no expert cell.
size_t afterExpertIndex(const std::string& cell) {
    if (cell.rfind(kExperts, 0) != 0) return std::string::npos;
    size_t i = kExperts.size();
    if (i < cell.size() && cell[i] == '*') {
        ++i;
    } else {
        const size_t digits = i;
        while (i < cell.size() && std::isdigit(static_cast<unsigned char>(cell[i]))) ++i;
        if (i == digits) return std::string::npos;
    }
    return i < cell.size() - 1 && cell[i] == '.' ? i + 1 : std::string::npos;
}
}  // namespace

std::string cellModule(const Linear& l) {
    return l.expert < 0 ? l.module : kExperts + std::to_string(l.expert) + "." + l.module;
}

std::string pooledCellModule(const Linear& l) { return l.expert < 0 ? l.module : kExperts + "*." + l.module; }

bool cellCovers(const std::string& cell, const Linear& l) {
    return cell == cellModule(l) || (l.expert >= 0 && cell == pooledCellModule(l));
}

std::string pooledCellName(const std::string& cell) {
    const size_t at = afterExpertIndex(cell);
    return at == std::string::npos ? cell : kExperts + "*." + cell.substr(at);
}

std::string peftModuleOfCell(const std::string& cell) {
    const size_t at = afterExpertIndex(cell);
    return at == std::string::npos ? cell : cell.substr(at);
}

bool isSingleExpertCell(const std::string& cell) {
    return afterExpertIndex(cell) != std::string::npos && cell[kExperts.size()] != '*';
}

}  // namespace aletheia
