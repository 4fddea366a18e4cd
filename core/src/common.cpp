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

Error cancelledError(std::string file, std::string stage, std::string reason) {
    Error e;
    e.file = std::move(file);
    e.stage = std::move(stage);
    e.reason = std::move(reason);
    e.cancelled = true;
    return e;
}

} // namespace heapscope
