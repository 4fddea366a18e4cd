// SPDX-License-Identifier: MIT
#include "snapshotsession.h"

#include "jobs/backgroundjob.h"

#ifndef Q_MOC_RUN
#include <heapscope/facts.h>
#endif

#include <QPointer>

#include <utility>
#include <vector>

SnapshotSession::SnapshotSession(QObject* parent) : QObject(parent) {}

SnapshotSession::~SnapshotSession() {
    qDeleteAll(m_documents);
}

SnapshotDocument* SnapshotSession::documentForAnalysis(const heapscope::Analysis* analysis) const {
    for (SnapshotDocument* doc : m_documents)
        if (doc->analysis().get() == analysis)
            return doc;
    return nullptr;
}

SnapshotDocument* SnapshotSession::open(const QString& path, const QString& displayName) {
    auto* doc = new SnapshotDocument(path, this);
    if (!displayName.isEmpty())
        doc->setDisplayName(displayName);
    m_documents.append(doc);
    connect(doc, &SnapshotDocument::stateChanged, this, [this, doc] {
        if (doc->isReady())
            workOutSameProcess();
        Q_EMIT documentChanged(doc);
        if (!m_pendingComparison.isEmpty())
            // Queued: views learn of the ready document from documentChanged too, maybe after us.
            QMetaObject::invokeMethod(this, &SnapshotSession::tryPendingComparison, Qt::QueuedConnection);
    });
    Q_EMIT documentAdded(doc);
    doc->load();
    return doc;
}

void SnapshotSession::close(SnapshotDocument* doc) {
    if (!m_documents.contains(doc))
        return;
    Q_EMIT documentAboutToBeRemoved(doc);
    m_documents.removeOne(doc);
    const heapscope::Analysis* a = doc->analysis().get();
    for (auto it = m_comparisons.begin(); it != m_comparisons.end();) {
        if (a && (it->first.first == a || it->first.second == a))
            it = m_comparisons.erase(it);
        else
            ++it;
    }
    if (a)
        dropComparisonJobs(a);
    for (auto it = m_sameProcess.begin(); it != m_sameProcess.end();) {
        if (a && (it->first.first == a || it->first.second == a))
            it = m_sameProcess.erase(it);
        else
            ++it;
    }
    m_userState.erase(doc);
    delete doc;
    Q_EMIT documentRemoved();
}

QList<SnapshotDocument*> SnapshotSession::comparableWith(const SnapshotDocument* current) const {
    QList<SnapshotDocument*> out;
    for (SnapshotDocument* doc : m_documents)
        if (doc != current && doc->isReady() && !doc->isTimeline())
            out.append(doc);
    return out;
}

bool SnapshotSession::takenBefore(const SnapshotDocument* a, const SnapshotDocument* b) {
    if (!a || !b || !a->isReady() || !b->isReady())
        return false;
    return heapscope::takenBefore(a->snapshot()->facts(), b->snapshot()->facts());
}

SnapshotDocument* SnapshotSession::defaultBase(const SnapshotDocument* current) const {
    const auto candidates = comparableWith(current);
    if (candidates.isEmpty() || !current || !current->isReady())
        return candidates.value(0);
    SnapshotDocument* best = nullptr;
    for (SnapshotDocument* doc : candidates)
        if (takenBefore(doc, current) && (!best || takenBefore(best, doc)))
            best = doc;
    return best ? best : candidates.first();
}

heapscope::ComparisonPtr SnapshotSession::comparison(const SnapshotDocument* base,
                                                     const SnapshotDocument* current) const {
    if (!base || !current)
        return {};
    auto it = m_comparisons.find({base->analysis().get(), current->analysis().get()});
    return it == m_comparisons.end() ? nullptr : it->second;
}

bool SnapshotSession::isComparing(const SnapshotDocument* base, const SnapshotDocument* current) const {
    if (!base || !current)
        return false;
    auto it = m_comparisonJobs.find({base->analysis().get(), current->analysis().get()});
    return it != m_comparisonJobs.end() && it->second->isRunning();
}

void SnapshotSession::requestComparison(SnapshotDocument* base, SnapshotDocument* current) {
    if (!base || !current || !base->isReady() || !current->isReady())
        return;
    const Key key{base->analysis().get(), current->analysis().get()};
    if (auto it = m_comparisons.find(key); it != m_comparisons.end()) {
        Q_EMIT comparisonReady(base, current, it->second);
        return;
    }
    // The current snapshot's page shows one base at a time: a comparison with another is not
    // wanted any more.
    for (const auto& [other, job] : m_comparisonJobs)
        if (other.second == key.second && other != key && job->isRunning())
            if (SnapshotDocument* otherBase = documentForAnalysis(other.first))
                cancelComparison(otherBase, current);
    BackgroundJob*& job = m_comparisonJobs[key];
    if (job && job->isRunning())
        return;
    if (!job)
        job = new BackgroundJob(this);
    QPointer<SnapshotDocument> basePtr(base), currentPtr(current);
    job->start(
        [baseAnalysis = base->analysis(), currentAnalysis = current->analysis()](JobContext& context) {
            return heapscope::compare(baseAnalysis, currentAnalysis, context.work());
        },
        [this, key, basePtr, currentPtr](heapscope::Expected<heapscope::ComparisonPtr> result) {
            // Either side may have been closed (or reloaded) meanwhile: then the result is stale.
            if (!basePtr || !currentPtr || basePtr->analysis().get() != key.first ||
                currentPtr->analysis().get() != key.second)
                return;
            if (!result) {
                if (result.error().cancelled)
                    Q_EMIT comparisonCanceled(basePtr, currentPtr);
                else
                    Q_EMIT comparisonFailed(basePtr, currentPtr,
                                            QString::fromStdString(result.error().message()));
                return;
            }
            m_comparisons[key] = *result;
            Q_EMIT comparisonReady(basePtr, currentPtr, *result);
        });
}

void SnapshotSession::cancelComparison(SnapshotDocument* base, SnapshotDocument* current) {
    if (!base || !current)
        return;
    auto it = m_comparisonJobs.find({base->analysis().get(), current->analysis().get()});
    if (it == m_comparisonJobs.end() || !it->second->isRunning())
        return;
    it->second->cancel();
    Q_EMIT comparisonCanceled(base, current);
}

void SnapshotSession::dropComparisonJobs(const heapscope::Analysis* analysis) {
    for (auto it = m_comparisonJobs.begin(); it != m_comparisonJobs.end();) {
        if (it->first.first == analysis || it->first.second == analysis) {
            delete it->second; // stops the work; its result goes nowhere
            it = m_comparisonJobs.erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<heapscope::SameProcess> SnapshotSession::sameProcess(const SnapshotDocument* a,
                                                                   const SnapshotDocument* b) const {
    if (!a || !b || !a->isReady() || !b->isReady())
        return std::nullopt;
    const auto it = m_sameProcess.find({a->analysis().get(), b->analysis().get()});
    if (it == m_sameProcess.end() || it->second.a.lock() != a->analysis() ||
        it->second.b.lock() != b->analysis())
        return std::nullopt;
    return it->second.verdict;
}

void SnapshotSession::workOutSameProcess() {
    if (!m_sameProcessJob)
        m_sameProcessJob = new BackgroundJob(this);
    if (m_sameProcessJob->isRunning()) {
        m_sameProcessAgain = true; // once this run is done
        return;
    }
    using Pair = std::pair<heapscope::AnalysisPtr, heapscope::AnalysisPtr>;
    std::vector<Pair> todo;
    for (SnapshotDocument* x : std::as_const(m_documents))
        for (SnapshotDocument* y : std::as_const(m_documents))
            if (x != y && x->isReady() && y->isReady() && !sameProcess(x, y))
                todo.emplace_back(x->analysis(), y->analysis());
    if (todo.empty())
        return;
    struct Verdict {
        Pair pair;
        heapscope::SameProcess verdict;
    };
    m_sameProcessJob->start(
        [todo](JobContext& job) {
            std::vector<Verdict> verdicts;
            for (const Pair& pair : todo) {
                if (job.stopRequested())
                    break;
                verdicts.push_back(
                    {pair, heapscope::sameProcess(*pair.first->snapshot, *pair.second->snapshot)});
            }
            return verdicts;
        },
        [this](std::vector<Verdict> verdicts) {
            for (const Verdict& v : verdicts)
                m_sameProcess[{v.pair.first.get(), v.pair.second.get()}] = {v.pair.first, v.pair.second,
                                                                            v.verdict};
            if (!verdicts.empty())
                Q_EMIT sameProcessKnown();
            if (std::exchange(m_sameProcessAgain, false))
                workOutSameProcess();
        });
}

void SnapshotSession::compareWhenLoaded(const QList<SnapshotDocument*>& docs) {
    m_pendingComparison.clear();
    for (SnapshotDocument* doc : docs)
        m_pendingComparison.append(doc);
    tryPendingComparison();
}

void SnapshotSession::tryPendingComparison() {
    if (m_pendingComparison.size() < 2) {
        m_pendingComparison.clear();
        return;
    }
    for (const auto& doc : std::as_const(m_pendingComparison)) {
        if (!doc || (!doc->isReady() && !doc->isLoading())) {
            m_pendingComparison.clear(); // one failed or was closed: nothing to compare
            return;
        }
        if (!doc->isReady())
            return;
    }
    // The newest snapshot against the one taken just before it.
    SnapshotDocument* current = m_pendingComparison.first();
    for (const auto& doc : std::as_const(m_pendingComparison))
        if (takenBefore(current, doc))
            current = doc;
    m_pendingComparison.clear();
    Q_EMIT comparisonWanted(defaultBase(current), current);
}

IgnoredRetainers SnapshotSession::ignoredRetainers(const heapscope::Analysis* analysis) const {
    const SnapshotDocument* doc = analysis ? documentForAnalysis(analysis) : nullptr;
    auto it = doc ? m_userState.find(doc) : m_userState.end();
    if (it == m_userState.end() || it->second.analysis.lock().get() != analysis)
        return {};
    return it->second.ignored;
}

void SnapshotSession::setIgnoredRetainers(const heapscope::Analysis* analysis, IgnoredRetainers ignored) {
    SnapshotDocument* doc = analysis ? documentForAnalysis(analysis) : nullptr;
    if (!doc)
        return;
    UserState& state = m_userState[doc];
    state.analysis = doc->analysis();
    state.ignored = std::move(ignored);
    if (state.ignored.empty())
        state.ignored.distances.reset();
    Q_EMIT ignoredRetainersChanged(analysis);
}
