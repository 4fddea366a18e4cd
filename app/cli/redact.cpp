// SPDX-License-Identifier: MIT
#include "redact.h"

#include "commands.h"
#include "heapscope/json_writer.h"
#include "heapscope/loader.h"
#include "heapscope/redact.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

namespace heapscope::cli {

namespace {

int usage(const std::string& message) {
    std::fprintf(stderr, "heapscope-cli: %s\n\n%s", message.c_str(), usageText());
    return 2;
}

} // namespace

int runRedactCommand(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    std::optional<std::string> out;
    RedactOptions options;
    bool json = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const std::string& name, std::string& into) {
            const std::string prefix = name + "=";
            if (a.compare(0, prefix.size(), prefix) == 0) {
                into = a.substr(prefix.size());
                return true;
            }
            if (a == name && i + 1 < args.size()) {
                into = args[++i];
                return true;
            }
            return false;
        };
        std::string v;
        if (value("-o", v) || value("--output", v)) {
            out = v;
        } else if (value("--keep-strings", v)) {
            options.keepStrings = v;
        } else if (a == "--json") {
            json = true;
        } else if (a == "-o" || a == "--output" || a == "--keep-strings") {
            return usage("option " + a + " needs a value");
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("unknown option " + a);
        } else {
            files.push_back(a);
        }
    }
    if (files.size() != 1 || !out)
        return usage("redact needs exactly one FILE and -o OUT");
    if (options.keepStrings.empty() && std::find(args.begin(), args.end(), "--keep-strings") != args.end())
        return usage("--keep-strings needs a pattern");
    if (auto why = checkKeepPattern(options.keepStrings); !why.empty())
        return usage("--keep-strings: " + why);

    const auto start = std::chrono::steady_clock::now();
    auto loaded = loadSnapshot(files[0]);
    if (!loaded) {
        std::fprintf(stderr, "heapscope-cli: %s\n", loaded.error().message().c_str());
        return 1;
    }
    const auto loadedAt = std::chrono::steady_clock::now();
    auto result = writeRedactedCopy(**loaded, *out, options);
    if (!result) {
        std::fprintf(stderr, "heapscope-cli: %s\n", result.error().message().c_str());
        return 1;
    }
    const auto end = std::chrono::steady_clock::now();
    const double loadSeconds = std::chrono::duration<double>(loadedAt - start).count();
    const double writeSeconds = std::chrono::duration<double>(end - loadedAt).count();
    const RedactResult& r = *result;
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.key("input").value(files[0]);
        w.key("output").value(*out);
        w.key("redactedStrings").value(r.redactedStrings);
        w.key("redactedNodes").value(r.redactedNodes);
        w.key("redactedEdges").value(r.redactedEdges);
        w.key("keptByPattern").value(r.keptByPattern);
        w.key("placeholders").value(r.placeholders);
        w.key("bytesRead").value(r.bytesRead);
        w.key("bytesWritten").value(r.bytesWritten);
        w.key("loadSeconds").value(loadSeconds);
        w.key("writeSeconds").value(writeSeconds);
        w.endObject();
        std::string text = w.take();
        text += '\n';
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        std::printf(
            "wrote %s: %llu node names and %llu edge names redacted with %llu placeholders; %llu strings "
            "of the table no longer appear",
            out->c_str(), (unsigned long long)r.redactedNodes, (unsigned long long)r.redactedEdges,
            (unsigned long long)r.placeholders, (unsigned long long)r.redactedStrings);
        if (!options.keepStrings.empty())
            std::printf("; %llu values kept by --keep-strings", (unsigned long long)r.keptByPattern);
        std::printf("\n%llu bytes (load %.2f s, write %.2f s)\n", (unsigned long long)r.bytesWritten,
                    loadSeconds, writeSeconds);
    }
    return 0;
}

} // namespace heapscope::cli
