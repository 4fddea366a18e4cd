// SPDX-License-Identifier: MIT
// File ▸ Connect to Process…: the targets an inspector lists at an address, and heap snapshots,
// garbage collection, the allocation timeline and allocation sampling for the chosen one.
#pragma once

#include <inspectortarget.h>

#include <QDialog>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace heapscope::capture {
class InspectorSession;
class TargetLister;
} // namespace heapscope::capture

namespace heapscope::captureui {

class ConnectDialog : public QDialog {
    Q_OBJECT
public:
    explicit ConnectDialog(QWidget* parent = nullptr);
    ~ConnectDialog() override;

    /// Lists the targets at the address in the field (also done when the dialog first shows).
    void listTargets();

Q_SIGNALS:
    /// A snapshot or timeline was written. `seriesKey` names the target: files with the same key
    /// come from the same process, with object ids that match.
    void snapshotReady(const QString& path, const QString& seriesKey);

protected:
    void showEvent(QShowEvent* event) override;

private:
    enum class Action { None, Snapshot, CollectGarbage, ToggleTimeline, ToggleSampling };
    void request(Action action);
    void run(Action action);
    void updateButtons();
    void setStatus(const QString& text, bool error = false);
    const capture::InspectorTarget* selectedTarget() const;
    QString seriesKey() const;
    bool prepareFolder(QString* folder);

    QLineEdit* m_address;
    QPushButton* m_listButton;
    QTreeWidget* m_targets;
    QLineEdit* m_folder;
    QPushButton* m_snapshotButton;
    QPushButton* m_gcButton;
    QPushButton* m_timelineButton;
    QPushButton* m_samplingButton;
    QProgressBar* m_progress;
    QPushButton* m_cancelButton;
    QLabel* m_status;

    capture::TargetLister* m_lister;
    capture::InspectorSession* m_session;
    QList<capture::InspectorTarget> m_targetList;
    QString m_sessionAddress;
    Action m_pending = Action::None;
    bool m_listedOnce = false;
};

} // namespace heapscope::captureui
