// SPDX-License-Identifier: MIT
#include "heapscope/common.h"

namespace heapscope {

std::string Error::message() const {
    std::string m = file.empty() ? std::string() : file + ": ";
    m += reason;
    if (!stage.empty() || offset >= 0) {
        m += " (";
        if (!stage.empty())
            m += "while reading " + stage;
        if (offset >= 0) {
            if (!stage.empty())
                m += ", ";
            m += "at byte " + std::to_string(offset);
        }
        m += ")";
    }
    return m;
}

} // namespace heapscope
