// SPDX-License-Identifier: MIT
// One opened snapshot file: loads and analyses it off the GUI thread and owns the result.
#pragma once

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#include <heapscope/index_cache.h>
#include <heapscope/snapshot.h>
#endif

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <memory>

class BackgroundJob;

/// The loader facade for one file. `load()` maps the file's kept index (heapscope/index_cache.h) or
/// runs loadSnapshot() and analyze() on the thread pool
/// and reports `started`, `progress(stage, fraction, text)`, then exactly one of `finished`,
/// `failed(message)` or `canceled`. A result of an earlier `load()` that arrives after a newer one
/// started is dropped (generation check), and destroying the document stops its work.
class SnapshotDocument : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, Ready, Failed, Canceled };
    Q_ENUM(State)

    explicit SnapshotDocument(const QString& path, QObject* parent = nullptr);
    ~SnapshotDocument() override;

    QString path() const { return m_path; }
    /// Shown in the sidebar; defaults to the file name.
    QString displayName() const { return m_displayName; }
    void setDisplayName(const QString& name);

    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    bool isLoading() const { return m_state == State::Loading; }
    heapscope::SnapshotPtr snapshot() const { return m_snapshot; }
    heapscope::AnalysisPtr analysis() const { return m_analysis; }
    QString errorMessage() const { return m_error; }
    /// Wall time from start to ready, in seconds.
    double loadSeconds() const { return m_loadSeconds; }
    /// Whether the last load mapped the kept index (Used), found none, or threw a bad one away.
    heapscope::IndexOutcome indexOutcome() const { return m_indexOutcome; }
    /// Why a kept index could not be used ("" when it could or there was none).
    QString indexWarning() const { return m_indexWarning; }
    /// Last reported progress.
    QString stage() const { return m_stage; }
    double fraction() const { return m_fraction; }
    QString progressText() const { return m_progressText; }
    /// Largest odd object id (for "Objects allocated between" filters and the Comparison's base).
    std::uint32_t maxJsObjectId() const;
    /// Heap timelines have no Comparison in DevTools; we follow that (core decides what a timeline
    /// is: heapscope::SnapshotFacts).
    bool isTimeline() const;

public Q_SLOTS:
    void load();
    void cancel();

Q_SIGNALS:
    void started();
    void progress(const QString& stage, double fraction, const QString& text);
    void finished();
    void failed(const QString& message);
    void canceled();
    /// Any of the above; the sidebar listens to this one.
    void stateChanged();

private:
    struct Result;
    void deliver(const std::shared_ptr<Result>& result);

    QString m_path;
    QString m_displayName;
    State m_state = State::Idle;
    heapscope::SnapshotPtr m_snapshot;
    heapscope::AnalysisPtr m_analysis;
    QString m_error;
    QString m_stage;
    QString m_progressText;
    double m_fraction = 0;
    double m_loadSeconds = 0;
    heapscope::IndexOutcome m_indexOutcome = heapscope::IndexOutcome::Disabled;
    QString m_indexWarning;
    BackgroundJob* m_job;        ///< the load and analysis; a newer load() or cancel() drops its result
    BackgroundJob* m_prepareJob; ///< after a reopen from the index: the retainers, built ahead of use
    QElapsedTimer m_clock;
};
