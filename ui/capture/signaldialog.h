// SPDX-License-Identifier: MIT
// File ▸ Send Signal to Process…: a Node process started with --heapsnapshot-signal writes a
// snapshot when it gets the signal; this dialog sends it and waits for the complete file.
#pragma once

#include <processlister.h>

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace heapscope::capture {
class SignalCapture;
}

namespace heapscope::captureui {

class SignalDialog : public QDialog {
    Q_OBJECT
public:
    explicit SignalDialog(QWidget* parent = nullptr);
    ~SignalDialog() override;

    void refresh();

Q_SIGNALS:
    /// The process wrote a complete snapshot; `seriesKey` names the process.
    void snapshotReady(const QString& path, const QString& seriesKey);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void fillList();
    void send();
    void setWaiting(bool waiting);
    void setStatus(const QString& text, bool error = false);
    const capture::ProcessInfo* selectedProcess() const;

    QLineEdit* m_filter;
    QCheckBox* m_onlyPrepared;
    QTreeWidget* m_processes;
    QComboBox* m_signal;
    QPushButton* m_sendButton;
    QPushButton* m_refreshButton;
    QProgressBar* m_progress;
    QPushButton* m_cancelButton;
    QLabel* m_status;

    capture::ProcessLister* m_lister;
    capture::SignalCapture* m_capture;
    QList<capture::ProcessInfo> m_all;
    QList<capture::ProcessInfo> m_shown;
    qint64 m_waitingPid = 0;
};

} // namespace heapscope::captureui
