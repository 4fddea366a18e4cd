// SPDX-License-Identifier: MIT
#include "indexkeeper.h"

#include <QMetaObject>
#include <QSettings>

#include <cstdlib>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {
constexpr auto kEnabledKey = "index/enabled";
constexpr auto kCapKey = "index/capBytes";
bool g_disabledForThisRun = false;

bool disabledByEnvironment() {
    const char* off = std::getenv("HEAPSCOPE_NO_CACHE");
    return off && *off && std::string(off) != "0";
}

// The calling thread only: a write never competes with the user's work.
void lowerThisThreadsPriority() {
#ifdef SYS_gettid
    const auto tid = pid_t(::syscall(SYS_gettid));
    ::setpriority(PRIO_PROCESS, id_t(tid), 19);
#ifdef SYS_ioprio_set
    constexpr int kWhoProcess = 1, kClassIdle = 3, kClassShift = 13;
    ::syscall(SYS_ioprio_set, kWhoProcess, tid, kClassIdle << kClassShift);
#endif
#endif
}
} // namespace

namespace IndexSettings {

bool enabled() {
    return !g_disabledForThisRun && !disabledByEnvironment() &&
           QSettings().value(QLatin1StringView(kEnabledKey), true).toBool();
}

void setEnabled(bool on) {
    QSettings().setValue(QLatin1StringView(kEnabledKey), on);
}

void disableForThisRun() {
    g_disabledForThisRun = true;
}

std::uint64_t capBytes() {
    return QSettings()
        .value(QLatin1StringView(kCapKey),
               QVariant::fromValue<qulonglong>(heapscope::IndexCacheOptions{}.capBytes))
        .toULongLong();
}

void setCapBytes(std::uint64_t bytes) {
    QSettings().setValue(QLatin1StringView(kCapKey), QVariant::fromValue<qulonglong>(bytes));
}

heapscope::IndexCacheOptions options() {
    heapscope::IndexCacheOptions o;
    o.capBytes = capBytes();
    return o;
}

} // namespace IndexSettings

IndexKeeper::IndexKeeper(QObject* parent) : QObject(parent) {}

IndexKeeper::~IndexKeeper() {
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
        m_queue.clear();
    }
    m_stop.requestStop();
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void IndexKeeper::keep(const heapscope::AnalysisPtr& analysis) {
    if (!analysis || !IndexSettings::enabled() || !heapscope::indexable(*analysis))
        return;
    std::lock_guard lock(m_mutex);
    m_queue.push_back(analysis);
    m_stop.reset();
    if (!m_thread.joinable())
        m_thread = std::thread([this] { run(); });
    m_wake.notify_one();
}

bool IndexKeeper::isBusy() const {
    std::lock_guard lock(m_mutex);
    return m_writing || !m_queue.empty();
}

void IndexKeeper::stopAll() {
    std::lock_guard lock(m_mutex);
    m_queue.clear();
    if (m_writing)
        m_stop.requestStop();
}

void IndexKeeper::run() {
    lowerThisThreadsPriority();
    for (;;) {
        heapscope::AnalysisPtr analysis;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || !m_queue.empty(); });
            if (m_quit)
                return;
            analysis = m_queue.front().lock(); // null when its snapshot was closed meanwhile
            m_queue.pop_front();
            if (!analysis)
                continue;
            m_writing = true;
            m_stop.reset();
        }
        heapscope::WorkContext context;
        context.stop = &m_stop;
        const auto result = heapscope::writeIndex(*analysis, IndexSettings::options(), context);
        const QString path = QString::fromStdString(analysis->snapshot->path);
        analysis.reset(); // a closed snapshot's memory goes now, not with the next write
        {
            std::lock_guard lock(m_mutex);
            m_writing = false;
            if (m_quit)
                return;
        }
        if (result)
            QMetaObject::invokeMethod(
                this, [this, path, bytes = *result] { Q_EMIT written(path, bytes); }, Qt::QueuedConnection);
        else if (!result.error().cancelled)
            QMetaObject::invokeMethod(
                this,
                [this, message = QString::fromStdString(result.error().message())] {
                    Q_EMIT failed(message);
                },
                Qt::QueuedConnection);
    }
}
