// SPDX-License-Identifier: MIT
// "Copy retainer path" and "Export retainer paths…": the path search runs on the thread pool.
#pragma once

#include "objectref.h"
#include "retainerpathsdialog.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/retainer_paths.h>
#endif

#include <QObject>
#include <QPointer>

#include <functional>
#include <string>
#include <vector>

class BackgroundJob;
class JobContext;
class Navigator;
class QWidget;

class RetainerPathActions : public QObject {
    Q_OBJECT
public:
    /// What a search produced: the formatted paths, or why there are none.
    struct Result {
        std::string text;
        std::size_t pathCount = 0;
        QString error;
    };
    /// The retainers the user chose to ignore for objects of an analysis (Retainers pane).
    using IgnoredProvider = std::function<std::vector<heapscope::NodeOrdinal>(const heapscope::Analysis*)>;

    /// `window` parents the dialogs and message boxes; `navigator` carries the status messages.
    RetainerPathActions(QWidget* window, Navigator* navigator, QObject* parent = nullptr);

    void setIgnoredProvider(IgnoredProvider provider) { m_ignored = std::move(provider); }

    /// Finds the shortest path to `object` and puts it on the clipboard as text.
    void copyPath(const ObjectRef& object);
    /// Opens the export dialog for `targets` (nodes of `analysis`); `what` names them.
    void exportPaths(const heapscope::AnalysisPtr& analysis,
                     const std::vector<heapscope::NodeOrdinal>& targets, const QString& what);
    /// The export dialog while it is open.
    RetainerPathsDialog* dialog() const { return m_dialog; }
    /// Stops the searches still running (their results are dropped).
    void cancel();
    bool isSearching() const;
    /// The search and the formatting, as run on the pool (stops when `job` asks).
    static Result search(const heapscope::Analysis& analysis,
                         const std::vector<heapscope::NodeOrdinal>& targets,
                         const heapscope::PathOptions& options, RetainerPathsDialog::Format format,
                         const JobContext& job);

Q_SIGNALS:
    void pathCopied(const QString& text);
    void exported(const QString& path);
    void failed(const QString& message);

private:
    void writeExport(const QString& path, const Result& result);

    QWidget* m_window;
    Navigator* m_navigator;
    IgnoredProvider m_ignored;
    QPointer<RetainerPathsDialog> m_dialog;
    BackgroundJob* m_copyJob; ///< a newer copy replaces an older one (the clipboard is for it)
};
