// SPDX-License-Identifier: MIT
#include "capture.h"

#include <inspectorcapture.h>
#include <samplingcapture.h>

#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace heapscope::cli {

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

const char kUsageText[] =
    "heapscope-cli capture --inspect HOST:PORT [--target ID] [-o FILE] [--gc] [--timeout SECONDS]\n"
    "heapscope-cli capture --inspect HOST:PORT --sampling SECONDS [--interval BYTES] [--target ID]\n"
    "              [-o FILE]\n"
    "heapscope-cli capture --inspect HOST:PORT --list\n"
    "  Takes a heap snapshot of a running Node.js (--inspect) or Chrome/Edge\n"
    "  (--remote-debugging-port) through the inspector protocol. Without -o the file is named\n"
    "  like Node's own (Heap.<date>.<time>.<pid>.0.<seq>.heapsnapshot) in the current directory.\n"
    "  --target picks one of several targets by id (or a unique prefix); --list prints them.\n"
    "  --gc collects garbage first. The target's main thread stops while the snapshot is written.\n"
    "  --sampling records a sampling heap profile for SECONDS instead (DevTools' Allocation\n"
    "  sampling; one sample per --interval bytes allocated on average, 32768 by default) and writes\n"
    "  it as a .heapprofile (open it with heapscope-cli profile).\n";

int usageError(const std::string& message) {
    std::fprintf(stderr, "heapscope-cli capture: %s\n\n%s", message.c_str(), kUsageText);
    return kUsage;
}

int failure(const QString& message) {
    std::fprintf(stderr, "heapscope-cli capture: %s\n", message.toLocal8Bit().constData());
    return kFailed;
}

} // namespace

const char* captureUsageText() {
    return kUsageText;
}

int runCaptureCommand(const std::vector<std::string>& rawArgs) {
    std::vector<std::string> args = rawArgs;
    if (!args.empty() && args.front() == "capture")
        args.erase(args.begin());

    std::string inspect, target, output;
    bool gc = false, list = false;
    int timeoutSeconds = 60;
    int samplingSeconds = 0, samplingInterval = 32768;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        std::string value;
        bool inlineValue = false;
        if (a.rfind("--", 0) == 0) {
            const auto eq = a.find('=');
            if (eq != std::string::npos) {
                value = a.substr(eq + 1);
                a.resize(eq);
                inlineValue = true;
            }
        }
        auto takeValue = [&](std::string& into) {
            if (inlineValue) {
                into = value;
                return true;
            }
            if (i + 1 >= args.size())
                return false;
            into = args[++i];
            return true;
        };
        if (a == "-h" || a == "--help") {
            std::fputs(kUsageText, stdout);
            return kOk;
        } else if (a == "--inspect") {
            if (!takeValue(inspect))
                return usageError("--inspect needs HOST:PORT");
        } else if (a == "--target") {
            if (!takeValue(target) || target.empty())
                return usageError("--target needs an id");
        } else if (a == "-o" || a == "--output") {
            if (!takeValue(output) || output.empty())
                return usageError(a + " needs a file name");
        } else if (a == "--timeout") {
            std::string text;
            if (!takeValue(text))
                return usageError("--timeout needs a number of seconds");
            try {
                timeoutSeconds = std::stoi(text);
            } catch (...) {
                timeoutSeconds = 0;
            }
            if (timeoutSeconds <= 0)
                return usageError("--timeout needs a positive number of seconds");
        } else if (a == "--sampling" || a == "--interval") {
            std::string text;
            int value = 0;
            if (takeValue(text)) {
                try {
                    value = std::stoi(text);
                } catch (...) {
                    value = 0;
                }
            }
            if (value <= 0)
                return usageError(a == "--sampling" ? "--sampling needs a positive number of seconds"
                                                    : "--interval needs a positive number of bytes");
            (a == "--sampling" ? samplingSeconds : samplingInterval) = value;
        } else if (a == "--gc" && !inlineValue) {
            gc = true;
        } else if (a == "--list" && !inlineValue) {
            list = true;
        } else {
            return usageError("unknown argument " + args[i]);
        }
    }
    if (inspect.empty())
        return usageError("--inspect HOST:PORT is required");

    // The rest of the CLI has no Qt; this command brings its own application object when needed.
    std::unique_ptr<QCoreApplication> app;
    static int argc = 1;
    static char name[] = "heapscope-cli";
    static char* argv[] = {name, nullptr};
    if (!QCoreApplication::instance())
        app = std::make_unique<QCoreApplication>(argc, argv);

    QString error;
    const auto address = capture::InspectorAddress::parse(QString::fromLocal8Bit(inspect.c_str()), &error);
    if (!address)
        return usageError(error.toStdString());

    if (list) {
        const auto targets = capture::listTargets(*address, &error);
        if (!error.isEmpty())
            return failure(error);
        for (const capture::InspectorTarget& t : targets)
            std::printf("%s\t%s\t%s\n", t.id.toLocal8Bit().constData(), t.type.toLocal8Bit().constData(),
                        t.displayName().toLocal8Bit().constData());
        return kOk;
    }

    if (samplingSeconds > 0) {
        if (gc)
            return usageError("--gc applies to snapshots, not to --sampling");
        capture::SamplingOptions sampling;
        sampling.address = *address;
        sampling.targetId = QString::fromLocal8Bit(target.c_str());
        sampling.outputPath =
            output.empty() ? QString() : QFileInfo(QString::fromLocal8Bit(output.c_str())).absoluteFilePath();
        sampling.seconds = samplingSeconds;
        sampling.samplingInterval = samplingInterval;
        sampling.timeoutMs = timeoutSeconds * 1000;
        const bool tty = ::isatty(STDERR_FILENO);
        const auto result = capture::captureSamplingProfile(sampling, [&](int done, int total) {
            if (tty)
                std::fprintf(stderr, "\rsampling allocations: %d of %d s", done, total);
        });
        if (tty)
            std::fputc('\n', stderr);
        if (!result.ok())
            return failure(result.error);
        std::printf("%s\n", result.path.toLocal8Bit().constData());
        return kOk;
    }

    capture::CaptureOptions options;
    options.address = *address;
    options.targetId = QString::fromLocal8Bit(target.c_str());
    options.outputPath =
        output.empty() ? QString() : QFileInfo(QString::fromLocal8Bit(output.c_str())).absoluteFilePath();
    options.collectGarbage = gc;
    options.timeoutMs = timeoutSeconds * 1000;

    const bool showProgress = ::isatty(STDERR_FILENO);
    int lastPercent = -1;
    const auto result = capture::captureSnapshot(options, [&](qint64 done, qint64 total) {
        if (!showProgress || total <= 0)
            return;
        const int percent = int(done * 100 / total);
        if (percent != lastPercent) {
            lastPercent = percent;
            std::fprintf(stderr, "\rtaking heap snapshot: %3d%%", percent);
        }
    });
    if (lastPercent >= 0)
        std::fputc('\n', stderr);
    if (!result.ok())
        return failure(result.error);
    std::printf("%s\n", result.path.toLocal8Bit().constData());
    return kOk;
}

} // namespace heapscope::cli
