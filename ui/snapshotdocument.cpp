// SPDX-License-Identifier: MIT
#include "snapshotdocument.h"

#include "indexkeeper.h"
#include "jobs/backgroundjob.h"

#include <heapscope/index_cache.h>
#include <heapscope/loader.h>

#include <QCoreApplication>
#include <QFileInfo>

#include <chrono>

using namespace Qt::StringLiterals;

struct SnapshotDocument::Result {
    heapscope::SnapshotPtr snapshot;
    heapscope::AnalysisPtr analysis;
    QString error;
    bool canceled = false;
    heapscope::IndexOutcome indexOutcome = heapscope::IndexOutcome::Disabled;
    QString indexWarning;
};

SnapshotDocument::SnapshotDocument(const QString& path, QObject* parent)
    : QObject(parent), m_path(path), m_displayName(QFileInfo(path).fileName()),
      m_job(new BackgroundJob(this)), m_prepareJob(new BackgroundJob(this)) {
    connect(m_job, &BackgroundJob::progress, this, [this](double fraction, const QString& stage) {
        if (m_state != State::Loading)
            return;
        // The label shows the bar's own number: the fraction of the whole open, not of the stage.
        m_stage = stage;
        m_fraction = fraction;
        m_progressText = m_stage + u" · "_s + QString::number(int(m_fraction * 100)) + u" %"_s;
        Q_EMIT progress(m_stage, m_fraction, m_progressText);
        Q_EMIT stateChanged();
    });
}

// The job dies with us: the worker keeps its own references, stops at its next poll and its result
// goes nowhere. No signals from a dying object.
SnapshotDocument::~SnapshotDocument() = default;

void SnapshotDocument::setDisplayName(const QString& name) {
    m_displayName = name;
    Q_EMIT stateChanged();
}

std::uint32_t SnapshotDocument::maxJsObjectId() const {
    return m_snapshot ? m_snapshot->maxJsObjectId() : 0;
}

bool SnapshotDocument::isTimeline() const {
    return m_snapshot && m_snapshot->facts().isTimeline;
}

void SnapshotDocument::load() {
    cancel();
    m_snapshot.reset();
    m_analysis.reset();
    m_error.clear();
    m_state = State::Loading;
    m_stage = tr("Reading");
    m_progressText = tr("Opening %1…").arg(m_displayName);
    m_fraction = 0;
    m_clock.start();

    heapscope::OpenOptions open;
    open.useIndex = IndexSettings::enabled();
    open.cache = IndexSettings::options();
    m_job->start(
        [path = m_path.toStdString(), open](JobContext& job) {
            auto lastReport = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            heapscope::WorkContext context = job.work();
            context.progress = [&](heapscope::Stage stage, std::uint64_t done, std::uint64_t total) {
                const auto now = std::chrono::steady_clock::now();
                if (now - lastReport < std::chrono::milliseconds(40) && done < total)
                    return;
                lastReport = now;
                const std::string_view title = heapscope::stageTitle(stage);
                job.setProgress(heapscope::jobFraction(stage, done, total),
                                QString::fromUtf8(title.data(), qsizetype(title.size())));
            };

            auto result = std::make_shared<Result>();
            heapscope::OpenReport report;
            auto opened = heapscope::openAnalyzed(path, open, context, &report);
            result->indexOutcome = report.outcome;
            result->indexWarning = QString::fromStdString(report.indexWarning);
            if (!opened) {
                result->canceled = opened.error().cancelled || job.stopRequested();
                result->error = QString::fromStdString(opened.error().message());
                return result;
            }
            opened->snapshot->facts(); // here, not on the GUI thread when a menu first asks
            result->snapshot = opened->snapshot;
            result->analysis = opened->analysis;
            return result;
        },
        [this](std::shared_ptr<Result> result) { deliver(result); });
    Q_EMIT started();
    Q_EMIT stateChanged();
}

void SnapshotDocument::cancel() {
    if (m_state != State::Loading)
        return;
    m_job->cancel(); // whatever still arrives is stale now
    m_state = State::Canceled;
    m_error = tr("Loading was canceled.");
    Q_EMIT canceled();
    Q_EMIT stateChanged();
}

void SnapshotDocument::deliver(const std::shared_ptr<Result>& result) {
    if (!result)
        return;
    m_loadSeconds = double(m_clock.nsecsElapsed()) / 1e9;
    if (result->canceled) {
        m_state = State::Canceled;
        m_error = tr("Loading was canceled.");
        Q_EMIT canceled();
    } else if (!result->analysis) {
        m_state = State::Failed;
        m_error = result->error;
        Q_EMIT failed(m_error);
    } else {
        m_snapshot = result->snapshot;
        m_analysis = result->analysis;
        m_indexOutcome = result->indexOutcome;
        m_indexWarning = result->indexWarning;
        // A reopened snapshot has no retainers nor dominator tree lists yet: built now, in the
        // background, before the Retainers pane or the Dominators ask (whoever asks first waits for
        // the same build).
        if (!m_snapshot->hasRetainers() || !m_analysis->hasDominatorTree())
            m_prepareJob->start(
                [analysis = m_analysis](JobContext&) {
                    analysis->ensureDominatorTree();
                    analysis->snapshot->ensureRetainers(1); // one core: the other paints the Summary
                    return true;
                },
                [](bool) {});
        m_state = State::Ready;
        m_fraction = 1;
        Q_EMIT finished();
    }
    Q_EMIT stateChanged();
}
