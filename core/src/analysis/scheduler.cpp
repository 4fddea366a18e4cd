// SPDX-License-Identifier: MIT
// The pass graph's scheduler: one lane of passes per thread, a set of ready artefacts, and a
// condition variable the waiting thread sleeps on.
#include "scheduler.h"
#include "work.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

namespace heapscope::detail {

namespace {
constexpr std::uint64_t kProgressTotal = 1000;
// A waiting thread looks at the stop request this often (a cancel is answered within 100 ms).
constexpr auto kStopPoll = std::chrono::milliseconds(20);
} // namespace

class Scheduler {
public:
    Scheduler(std::span<const Pass> passes, AnalysisWork& work)
        : m_passes(passes), m_work(work), m_oneThread(work.threads <= 1), m_fraction(passes.size(), 0.0) {}

    PassesEnd run() {
        std::vector<std::size_t> lanes[2];
        for (std::size_t i = 0; i < m_passes.size(); ++i) {
            const Pass& pass = m_passes[i];
            if (pass.forSummary && !m_work.options.aggregateAll)
                m_ready |= pass.produces; // nobody waits for what is not computed
            else
                lanes[m_oneThread ? 0 : std::size_t(pass.lane)].push_back(i);
        }
        reportProgress();
        if (m_oneThread) {
            runLane(lanes[0]);
        } else {
            std::jthread side([&] { runLane(lanes[std::size_t(Lane::Side)]); });
            runLane(lanes[std::size_t(Lane::Main)]);
        }
        if (m_failure)
            std::rethrow_exception(m_failure);
        if (m_outOfMemory)
            return PassesEnd::OutOfMemory;
        if (m_work.stopped())
            return PassesEnd::Stopped;
        setProgress(kProgressTotal);
        return PassesEnd::Finished;
    }

    bool await(Artefact artefact) {
        std::unique_lock lock(m_mutex);
        while (!(m_ready & artefact) && !m_work.stopped())
            m_changed.wait_for(lock, kStopPoll);
        return !m_work.stopped();
    }

    void publish(Artefacts artefacts) {
        {
            std::lock_guard lock(m_mutex);
            m_ready |= artefacts;
        }
        m_changed.notify_all();
    }

    void progress(std::size_t pass, double fraction) {
        std::lock_guard lock(m_progressMutex);
        m_fraction[pass] = fraction;
        reportProgressLocked();
    }

    void recordTiming(const char* name, double seconds) {
        std::lock_guard lock(m_timingMutex);
        m_work.a.passTimings.emplace_back(name, seconds);
    }

private:
    void runLane(std::vector<std::size_t> todo) {
        while (!todo.empty()) {
            const std::size_t at = next(todo);
            if (at == todo.size())
                return; // stopped
            const std::size_t pass = todo[at];
            todo.erase(todo.begin() + std::ptrdiff_t(at));
            runPass(pass);
        }
    }

    // The position in `todo` of the pass to run next, waiting until one is ready; todo.size() when
    // the analysis stops.
    std::size_t next(const std::vector<std::size_t>& todo) {
        std::unique_lock lock(m_mutex);
        for (;;) {
            if (m_work.stopped())
                return todo.size();
            for (std::size_t at = 0; at < todo.size(); ++at) {
                const Pass& pass = m_passes[todo[at]];
                if (at > 0 && !pass.fillsWaits)
                    continue;
                if (hasAll(m_ready, m_oneThread ? pass.reads | pass.awaits : pass.reads))
                    return at;
            }
            m_changed.wait_for(lock, kStopPoll);
        }
    }

    void runPass(std::size_t index) {
        const Pass& pass = m_passes[index];
        PassContext context(*this, index);
        const auto start = std::chrono::steady_clock::now();
        try {
            pass.run(m_work, context);
        } catch (const std::bad_alloc&) {
            std::lock_guard lock(m_mutex);
            m_outOfMemory = true;
            m_work.stop = true; // out of memory on one thread stops both
        } catch (...) {
            std::lock_guard lock(m_mutex);
            if (!m_failure)
                m_failure = std::current_exception();
            m_work.stop = true;
        }
        if (pass.timed)
            recordTiming(pass.name,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (pass.weight)
            progress(index, 1.0);
        if (!m_work.stopped())
            publish(pass.produces); // a stopped pass may have left its work half done
        else
            m_changed.notify_all(); // the other thread need not wait any longer
    }

    void reportProgress() {
        std::lock_guard lock(m_progressMutex);
        reportProgressLocked();
    }
    void reportProgressLocked() {
        std::uint64_t done = 0;
        for (std::size_t i = 0; i < m_passes.size(); ++i)
            done += std::uint64_t(m_fraction[i] * double(m_passes[i].weight));
        setProgressLocked(done);
    }
    void setProgress(std::uint64_t done) {
        std::lock_guard lock(m_progressMutex);
        setProgressLocked(done);
    }
    // The bar never moves backwards. Both threads report, one call at a time.
    void setProgressLocked(std::uint64_t done) {
        m_progressDone = std::clamp(done, m_progressDone, kProgressTotal);
        m_work.context.report(Stage::Analysis, m_progressDone, kProgressTotal);
    }

    const std::span<const Pass> m_passes;
    AnalysisWork& m_work;
    const bool m_oneThread;

    std::mutex m_mutex; // guards the following four
    std::condition_variable m_changed;
    Artefacts m_ready = 0;
    bool m_outOfMemory = false;
    std::exception_ptr m_failure;

    std::mutex m_progressMutex;
    std::vector<double> m_fraction; // per pass: how much of it is done
    std::uint64_t m_progressDone = 0;

    std::mutex m_timingMutex;
};

bool PassContext::await(Artefact artefact) {
    return m_scheduler.await(artefact);
}
void PassContext::publish(Artefact artefact) {
    m_scheduler.publish(artefact);
}
void PassContext::progress(double fraction) {
    m_scheduler.progress(m_pass, fraction);
}
void PassContext::recordTiming(const char* name, double seconds) {
    m_scheduler.recordTiming(name, seconds);
}

PassesEnd runPasses(std::span<const Pass> passes, AnalysisWork& work) {
    Scheduler scheduler(passes, work);
    return scheduler.run();
}

} // namespace heapscope::detail
