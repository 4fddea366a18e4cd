// SPDX-License-Identifier: MIT
// Class names: the interfaces of plain objects (inferred, or the ones given) and every node's class.
#include "scheduler.h"
#include "work.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

namespace heapscope::detail {

namespace {

// DevTools' interface inference: property sets of plain objects common enough to name a class.
std::vector<InterfaceDefinition> inferInterfaces(const AnalysisWork& w) {
    const Snapshot& s = w.s;
    struct Candidate {
        std::string name;
        std::vector<std::string> properties;
        std::uint32_t count = 0;
    };
    std::vector<Candidate> candidates;
    std::unordered_map<std::string, std::size_t> byName;
    std::uint64_t total = 0;
    std::unordered_map<std::uint32_t, std::pair<std::string, std::size_t>>
        formatted; // string id → (text, units)
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0x3FFFF) == 0 && w.stopped())
            return {};
        if (s.kind(n) != NodeKind::Object || s.name(n) != "Object")
            continue;
        ++total;
        std::string name = "{";
        std::size_t units = 1;
        std::vector<std::string> props;
        for (EdgeOrdinal e : s.edgesOf(n)) {
            if (s.edgeKind(e) != EdgeKind::Property)
                continue;
            const StringId id(s.edgeNameOrIndex[e]);
            const std::string_view raw = s.strings.get(id);
            if (raw == "__proto__")
                continue;
            auto it = formatted.find(id.value);
            if (it == formatted.end()) {
                std::string f = formatPropertyName(raw);
                const std::size_t u = text::utf16Length(f);
                it = formatted.emplace(id.value, std::make_pair(std::move(f), u)).first;
            }
            const auto& [f, fu] = it->second;
            if (units > 1 && units + fu > 120)
                break;
            if (units != 1) {
                name += ", ";
                units += 2;
            }
            name += f;
            units += fu;
            props.emplace_back(raw);
        }
        if (props.empty())
            continue;
        name += "}";
        auto [it, inserted] = byName.emplace(name, candidates.size());
        if (inserted)
            candidates.push_back({std::move(name), std::move(props), 1});
        else
            ++candidates[it->second].count;
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.count > b.count; });
    const double minCount = std::max(2.0, double(total) / 1000.0);
    std::vector<InterfaceDefinition> out;
    for (auto& c : candidates) {
        if (double(c.count) < minCount)
            break;
        out.push_back({std::move(c.name), std::move(c.properties)});
    }
    return out;
}

} // namespace

void runClassNames(AnalysisWork& w, PassContext&) {
    if (w.options.interfaces) {
        w.a.interfaces = *w.options.interfaces;
        w.a.customInterfaces = true;
    } else
        w.a.interfaces = inferInterfaces(w);
    classify(w.a, w.a.interfaces, w.a.classOf, w.a.classes, w.stoppedFn());
}

} // namespace heapscope::detail
