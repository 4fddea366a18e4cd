// SPDX-License-Identifier: MIT
#include "retainerpathactions.h"

#include "exportutil.h"
#include "jobs/backgroundjob.h"
#include "navigator.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QWidget>

using namespace Qt::StringLiterals;

RetainerPathActions::RetainerPathActions(QWidget* window, Navigator* navigator, QObject* parent)
    : QObject(parent), m_window(window), m_navigator(navigator), m_copyJob(new BackgroundJob(this)) {}

RetainerPathActions::Result RetainerPathActions::search(const heapscope::Analysis& analysis,
                                                        const std::vector<heapscope::NodeOrdinal>& targets,
                                                        const heapscope::PathOptions& options,
                                                        RetainerPathsDialog::Format format,
                                                        const JobContext& job) {
    Result result;
    auto paths = heapscope::findRetainerPaths(analysis, targets, options, job.work());
    if (!paths) {
        result.error = QString::fromStdString(paths.error().message());
        return result;
    }
    result.pathCount = paths->paths.size();
    switch (format) {
    case RetainerPathsDialog::Text:
        result.text = heapscope::formatPathsText(analysis, *paths);
        break;
    case RetainerPathsDialog::Markdown:
        result.text = heapscope::formatPathsMarkdown(analysis, *paths);
        break;
    case RetainerPathsDialog::Json:
        result.text = heapscope::formatPathsJson(analysis, *paths);
        break;
    }
    return result;
}

void RetainerPathActions::cancel() {
    for (BackgroundJob* job : findChildren<BackgroundJob*>(Qt::FindDirectChildrenOnly))
        job->cancel();
}

bool RetainerPathActions::isSearching() const {
    for (const BackgroundJob* job : findChildren<BackgroundJob*>(Qt::FindDirectChildrenOnly))
        if (job->isRunning())
            return true;
    return false;
}

void RetainerPathActions::copyPath(const ObjectRef& object) {
    if (!object.isValid())
        return;
    heapscope::PathOptions options;
    options.maxPaths = 1;
    if (m_ignored)
        options.ignoredNodes = m_ignored(object.analysis.get());
    const QString id = TextUtil::idText(*object.analysis, object.node);
    Q_EMIT m_navigator->statusMessage(tr("Finding the retainer path of %1…").arg(id));
    m_copyJob->start(
        [analysis = object.analysis, node = object.node, options = std::move(options)](JobContext& job) {
            return search(*analysis, {node}, options, RetainerPathsDialog::Text, job);
        },
        [this, id](Result result) {
            if (!result.error.isEmpty()) {
                Q_EMIT m_navigator->statusMessage(result.error);
                Q_EMIT failed(result.error);
                return;
            }
            if (result.pathCount == 0) {
                const QString message =
                    tr("No retainer path leads to %1 (only weak or ignored retainers).").arg(id);
                Q_EMIT m_navigator->statusMessage(message);
                Q_EMIT failed(message);
                return;
            }
            const QString text = QString::fromStdString(result.text);
            QGuiApplication::clipboard()->setText(text);
            Q_EMIT m_navigator->statusMessage(tr("Copied the retainer path of %1.").arg(id));
            Q_EMIT pathCopied(text);
        });
}

void RetainerPathActions::exportPaths(const heapscope::AnalysisPtr& analysis,
                                      const std::vector<heapscope::NodeOrdinal>& targets,
                                      const QString& what) {
    if (!analysis || targets.empty())
        return;
    if (m_dialog)
        m_dialog->close();
    QString fileName = u"retainer-paths"_s;
    if (targets.size() == 1)
        fileName += u'-' + QString::number(analysis->snapshot->nodeId[targets.front()]);
    auto* dialog = new RetainerPathsDialog(what, fileName, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog, analysis, targets, what] {
        heapscope::PathOptions options;
        options.maxPaths = std::uint32_t(dialog->maxPaths());
        options.includeWeak = dialog->includeWeak();
        if (m_ignored)
            options.ignoredNodes = m_ignored(analysis.get());
        const QString path = dialog->filePath();
        ExportUtil::setLastDirectory(path);
        Q_EMIT m_navigator->statusMessage(tr("Finding the retainer paths of %1…").arg(what));
        // Each export has a job of its own: a second one does not stop the first.
        auto* job = new BackgroundJob(this);
        connect(job, &BackgroundJob::runningChanged, job, [job](bool running) {
            if (!running)
                job->deleteLater();
        });
        job->start([analysis, targets, options = std::move(options), format = dialog->format()](
                       JobContext& context) { return search(*analysis, targets, options, format, context); },
                   [this, path](Result result) { writeExport(path, result); });
    });
    dialog->open();
}

void RetainerPathActions::writeExport(const QString& path, const Result& result) {
    if (!result.error.isEmpty()) {
        Q_EMIT m_navigator->statusMessage(result.error);
        Q_EMIT failed(result.error);
        return;
    }
    if (!ExportUtil::save(m_window, path, QByteArray::fromStdString(result.text))) {
        Q_EMIT failed(tr("Could not write %1.").arg(QDir::toNativeSeparators(path)));
        return;
    }
    Q_EMIT m_navigator->statusMessage(tr("Wrote %n retainer path(s) to %1.", nullptr, int(result.pathCount))
                                          .arg(QDir::toNativeSeparators(path)));
    Q_EMIT exported(path);
}
