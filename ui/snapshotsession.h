// SPDX-License-Identifier: MIT
// The set of open snapshots and the comparisons between them.
#pragma once

#include "ignoredretainers.h"
#include "snapshotdocument.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#include <heapscope/facts.h>
#endif

#include <QList>
#include <QObject>
#include <QPointer>

#include <map>
#include <memory>
#include <optional>
#include <utility>

class BackgroundJob;

/// Owns every open SnapshotDocument (in opening order, as DevTools lists its profiles), computes
/// Comparisons on the thread pool, cached per (base, current) pair until either is closed, and keeps
/// the user's state of each snapshot (ignored retainers) and the Comparison asked for at opening.
class SnapshotSession : public QObject {
    Q_OBJECT
public:
    explicit SnapshotSession(QObject* parent = nullptr);
    ~SnapshotSession() override;

    const QList<SnapshotDocument*>& documents() const { return m_documents; }
    int indexOf(const SnapshotDocument* doc) const { return m_documents.indexOf(doc); }
    SnapshotDocument* documentForAnalysis(const heapscope::Analysis* analysis) const;

    /// Opens and starts loading a file; returns its document.
    SnapshotDocument* open(const QString& path, const QString& displayName = {});
    /// Closes a document; its memory goes once no view holds its bundles.
    void close(SnapshotDocument* doc);

    /// True when ready snapshot `a` was taken before ready snapshot `b` (heapscope::takenBefore).
    static bool takenBefore(const SnapshotDocument* a, const SnapshotDocument* b);
    /// The default base for comparing `current`: the newest ready snapshot taken before it, else any
    /// other ready snapshot.
    SnapshotDocument* defaultBase(const SnapshotDocument* current) const;
    /// Ready heap snapshots (no timelines) other than `current`, in list order.
    QList<SnapshotDocument*> comparableWith(const SnapshotDocument* current) const;

    /// The cached comparison, or null; call requestComparison() to compute it.
    heapscope::ComparisonPtr comparison(const SnapshotDocument* base, const SnapshotDocument* current) const;
    /// Computes a comparison on the pool (cancelling another one still running for `current`).
    void requestComparison(SnapshotDocument* base, SnapshotDocument* current);
    /// Stops computing the comparison of `current` against `base`; emits comparisonCanceled.
    void cancelComparison(SnapshotDocument* base, SnapshotDocument* current);
    bool isComparing(const SnapshotDocument* base, const SnapshotDocument* current) const;

    /// Once every one of `docs` is loaded, the newest is to be compared with the one taken just
    /// before it: emits comparisonWanted (nothing when one fails or is closed first).
    void compareWhenLoaded(const QList<SnapshotDocument*>& docs);

    /// Whether the objects of ready `a` carry over into ready `b` (heapscope::sameProcess(a, b), an
    /// O(nodes) look at their ids): nullopt until it is known. Worked out on the pool for every pair
    /// of ready heap snapshots as they become ready; sameProcessKnown() says when more are known.
    std::optional<heapscope::SameProcess> sameProcess(const SnapshotDocument* a,
                                                      const SnapshotDocument* b) const;

    /// The retainers ignored in the snapshot of `analysis` (empty when none, or not open).
    IgnoredRetainers ignoredRetainers(const heapscope::Analysis* analysis) const;
    /// Replaces them; emits ignoredRetainersChanged.
    void setIgnoredRetainers(const heapscope::Analysis* analysis, IgnoredRetainers ignored);

Q_SIGNALS:
    void documentAdded(SnapshotDocument* doc);
    void documentAboutToBeRemoved(SnapshotDocument* doc);
    void documentRemoved();
    /// A document changed state (progress, ready, failed); forwards SnapshotDocument::stateChanged.
    void documentChanged(SnapshotDocument* doc);
    void comparisonReady(SnapshotDocument* base, SnapshotDocument* current,
                         const heapscope::ComparisonPtr& comparison);
    void comparisonFailed(SnapshotDocument* base, SnapshotDocument* current, const QString& message);
    void comparisonCanceled(SnapshotDocument* base, SnapshotDocument* current);
    /// The documents given to compareWhenLoaded() are loaded: show this comparison (`base` is null
    /// when `current` has nothing to be compared with).
    void comparisonWanted(SnapshotDocument* base, SnapshotDocument* current);
    void ignoredRetainersChanged(const heapscope::Analysis* analysis);
    /// More pairs' sameProcess() are known.
    void sameProcessKnown();

private:
    using Key = std::pair<const heapscope::Analysis*, const heapscope::Analysis*>;
    void tryPendingComparison();
    void dropComparisonJobs(const heapscope::Analysis* analysis);
    void workOutSameProcess();

    struct UserState {
        std::weak_ptr<const heapscope::Analysis> analysis; // the state is void once it is reloaded
        IgnoredRetainers ignored;
    };

    QList<SnapshotDocument*> m_documents;
    std::map<Key, heapscope::ComparisonPtr> m_comparisons;
    std::map<Key, BackgroundJob*> m_comparisonJobs;
    std::map<const SnapshotDocument*, UserState> m_userState;
    struct ProcessVerdict {
        std::weak_ptr<const heapscope::Analysis> a, b; // the verdict is void once either is gone
        heapscope::SameProcess verdict = heapscope::SameProcess::Unknown;
    };
    std::map<Key, ProcessVerdict> m_sameProcess;
    BackgroundJob* m_sameProcessJob = nullptr;
    bool m_sameProcessAgain = false; // a snapshot became ready while the job ran
    QList<QPointer<SnapshotDocument>> m_pendingComparison;
};
