// SPDX-License-Identifier: MIT
#include "retainerpathactions.h"

#include "exportutil.h"
#include "navigator.h"
#include "textutil.h"

#include <heapscope/format.h>

#include <QClipboard>
#include <QDir>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

RetainerPathActions::RetainerPathActions(QWidget* window, Navigator* navigator, QObject* parent)
    : QObject(parent), m_window(window), m_navigator(navigator) {}

QFuture<RetainerPathActions::Result> RetainerPathActions::run(heapscope::AnalysisPtr analysis,
                                                              std::vector<std::uint32_t> targets,
                                                              heapscope::PathOptions options,
                                                              RetainerPathsDialog::Format format) {
    return QtConcurrent::run([analysis = std::move(analysis), targets = std::move(targets),
                              options = std::move(options), format]() {
        Result result;
        auto paths = heapscope::findRetainerPaths(*analysis, targets, options);
        if (!paths) {
            result.error = QString::fromStdString(paths.error().message());
            return result;
        }
        result.pathCount = paths->paths.size();
        switch (format) {
        case RetainerPathsDialog::Text:
            result.text = heapscope::formatPathsText(*analysis, *paths);
            break;
        case RetainerPathsDialog::Markdown:
            result.text = heapscope::formatPathsMarkdown(*analysis, *paths);
            break;
        case RetainerPathsDialog::Json:
            result.text = heapscope::formatPathsJson(*analysis, *paths);
            break;
        }
        return result;
    });
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
    const quint64 generation = ++m_copyGeneration;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, id] {
        watcher->deleteLater();
        if (generation != m_copyGeneration)
            return; // a newer copy was asked for; the clipboard is for that one
        const Result result = watcher->result();
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
    watcher->setFuture(run(object.analysis, {object.node}, std::move(options), RetainerPathsDialog::Text));
}

void RetainerPathActions::exportPaths(const heapscope::AnalysisPtr& analysis,
                                      const std::vector<std::uint32_t>& targets, const QString& what) {
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
        auto* watcher = new QFutureWatcher<Result>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
            watcher->deleteLater();
            writeExport(path, watcher->result());
        });
        watcher->setFuture(run(analysis, targets, std::move(options), dialog->format()));
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
