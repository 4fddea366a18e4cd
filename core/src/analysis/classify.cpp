// SPDX-License-Identifier: MIT
// Class names and keys of every node for a set of interface definitions (DevTools'
// calculateObjectNames + applyInterfaceDefinitions).
#include "../analysis_internal.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace heapscope::detail {

namespace {
// DevTools' property trie for interface matching (properties in code-unit order).
struct InterfaceTrie {
    struct Node {
        std::unordered_map<std::string, std::uint32_t> next;
        std::string greatestNext;
        bool hasGreatest = false;
        std::int32_t match = -1; // definition index
        std::uint32_t propertyCount = 0;
    };
    std::vector<Node> nodes{Node{}};
    const std::vector<InterfaceDefinition>* defs = nullptr;

    explicit InterfaceTrie(const std::vector<InterfaceDefinition>& d) : defs(&d) {
        for (std::size_t i = 0; i < d.size(); ++i) {
            std::vector<std::string> props = d[i].properties;
            std::sort(props.begin(), props.end(), [](const std::string& a, const std::string& b) {
                return text::compareUtf16(a, b) < 0;
            });
            std::uint32_t cur = 0;
            for (const auto& p : props) {
                auto it = nodes[cur].next.find(p);
                if (it == nodes[cur].next.end()) {
                    const std::uint32_t id = std::uint32_t(nodes.size());
                    nodes.push_back(Node{});
                    nodes[cur].next.emplace(p, id);
                    if (!nodes[cur].hasGreatest || text::compareUtf16(nodes[cur].greatestNext, p) < 0) {
                        nodes[cur].greatestNext = p;
                        nodes[cur].hasGreatest = true;
                    }
                    cur = id;
                } else {
                    cur = it->second;
                }
            }
            if (nodes[cur].match < 0) {
                nodes[cur].match = std::int32_t(i);
                nodes[cur].propertyCount = std::uint32_t(props.size());
            }
        }
    }

    // Returns the matching definition index or -1 for plain "Object".
    int match(std::vector<std::string_view>& props) const {
        std::sort(props.begin(), props.end(),
                  [](std::string_view a, std::string_view b) { return text::compareUtf16(a, b) < 0; });
        struct Best {
            int index = -1;
            std::uint32_t count = 0;
        } best;
        auto better = [&](const Node& n) {
            if (n.match < 0)
                return;
            // more properties wins; on a tie the earlier definition
            if (best.index < 0 || n.propertyCount > best.count ||
                (n.propertyCount == best.count && n.match < best.index)) {
                best.index = n.match;
                best.count = n.propertyCount;
            }
        };
        better(nodes[0]);
        std::vector<std::uint32_t> states{0}, snapshot;
        std::string key;
        for (std::string_view p : props) {
            snapshot = states;
            for (std::uint32_t st : snapshot) {
                const Node& node = nodes[st];
                if (!node.hasGreatest || text::compareUtf16(p, node.greatestNext) >= 0)
                    states.erase(std::find(states.begin(), states.end(), st));
                key.assign(p);
                auto it = node.next.find(key);
                if (it != node.next.end()) {
                    if (std::find(states.begin(), states.end(), it->second) == states.end())
                        states.push_back(it->second);
                    better(nodes[it->second]);
                }
            }
            if (states.empty())
                break;
        }
        return best.index;
    }
};
} // namespace

bool classify(const Analysis& analysis, const std::vector<InterfaceDefinition>& interfaces,
              PodArray<std::uint32_t>& classOf, std::vector<ClassInfo>& classes,
              const std::function<bool()>& stopped) {
    const Snapshot& s = *analysis.snapshot;
    const std::uint32_t N = s.nodeCount;
    classOf = PodArray<std::uint32_t>::uninitialized(N);
    classes.clear();
    InterfaceTrie trie(interfaces);
    std::unordered_map<std::string, std::uint32_t> classByKey;
    auto internClass = [&](const std::string& name, const std::string& key) {
        auto [it, inserted] = classByKey.emplace(key, std::uint32_t(classes.size()));
        if (inserted)
            classes.push_back({name, key});
        return it->second;
    };

    // Class names are interned once; classes are (name) or (location, name) for located objects.
    std::vector<std::string> names;
    std::unordered_map<std::string, std::uint32_t> nameIndex;
    auto internName = [&](std::string name) -> std::uint32_t {
        auto [it, inserted] = nameIndex.emplace(name, std::uint32_t(names.size()));
        if (inserted)
            names.push_back(std::move(name));
        return it->second;
    };
    auto trimTag = [](std::string name) {
        if (!name.empty() && name[0] == '<') {
            const auto sp = name.find(' ');
            if (sp != std::string::npos)
                name = name.substr(0, sp) + ">";
        } else if (name.compare(0, 10, "Detached <") == 0) {
            const auto sp = name.find(' ', 10);
            if (sp != std::string::npos)
                name = name.substr(0, sp) + ">";
        }
        return name;
    };
    std::vector<std::uint32_t> nameOfType(s.nodeTypeNames.size(), kNoIndex);
    std::vector<std::uint32_t> nameOfString(s.strings.size(), kNoIndex);
    std::vector<std::uint32_t> nameOfInterface(interfaces.size(), kNoIndex);
    const std::uint32_t objectName = internName("Object");
    std::vector<std::uint32_t> classOfName;
    std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t>, std::uint32_t> located;
    std::size_t loc = 0;
    std::vector<std::string_view> props;
    for (NodeOrdinal n : s.nodes()) {
        if ((n.value & 0x3FFFF) == 0 && stopped())
            return false;
        const NodeKind k = s.kind(n);
        std::uint32_t nameId;
        if (k == NodeKind::Object && s.name(n) == "Object") {
            props.clear();
            for (EdgeOrdinal e : s.edgesOf(n))
                if (s.edgeKind(e) == EdgeKind::Property)
                    props.push_back(s.strings.get(s.edgeNameId(e)));
            const int m = trie.match(props);
            if (m < 0) {
                nameId = objectName;
            } else {
                if (nameOfInterface[std::size_t(m)] == kNoIndex)
                    nameOfInterface[std::size_t(m)] = internName(interfaces[std::size_t(m)].name);
                nameId = nameOfInterface[std::size_t(m)];
            }
        } else if (k == NodeKind::Object || k == NodeKind::Native) {
            if (analysis.isRenamedDetached(n)) {
                nameId = internName(trimTag("Detached " + std::string(s.name(n))));
            } else {
                std::uint32_t& cached = nameOfString[s.nodeName[n].value];
                if (cached == kNoIndex)
                    cached = internName(trimTag(std::string(s.name(n))));
                nameId = cached;
            }
        } else {
            std::uint32_t& cached = nameOfType[s.nodeType[n]];
            if (cached == kNoIndex) {
                std::string t;
                switch (k) {
                case NodeKind::Hidden:
                    t = "(system)";
                    break;
                case NodeKind::Code:
                    t = "(compiled code)";
                    break;
                case NodeKind::Closure:
                    t = "Function";
                    break;
                case NodeKind::RegExp:
                    t = "RegExp";
                    break;
                default:
                    t = "(" + s.nodeTypeNames[s.nodeType[n]] + ")";
                    break;
                }
                cached = internName(std::move(t));
            }
            nameId = cached;
        }
        if (k == NodeKind::Object) {
            while (loc < s.locations.size() && s.locations[loc].node < n)
                ++loc;
            if (loc < s.locations.size() && s.locations[loc].node == n) {
                const Location& l = s.locations[loc];
                auto keyTuple = std::make_tuple(l.scriptId, l.line, l.column, nameId);
                auto it = located.find(keyTuple);
                if (it == located.end()) {
                    const std::string key = std::to_string(l.scriptId) + "," + std::to_string(l.line) + "," +
                                            std::to_string(l.column) + "," + names[nameId];
                    it = located.emplace(keyTuple, internClass(names[nameId], key)).first;
                }
                classOf[n.value] = it->second;
                continue;
            }
        }
        if (nameId >= classOfName.size())
            classOfName.resize(names.size(), kNoIndex);
        std::uint32_t& cls = classOfName[nameId];
        if (cls == kNoIndex)
            cls = internClass(names[nameId], "," + names[nameId]);
        classOf[n.value] = cls;
    }
    return true;
}

} // namespace heapscope::detail
