// SPDX-License-Identifier: MIT
// Progress of the selected snapshot's load (staged bar, Cancel), or the reason it failed.
#pragma once

#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class SnapshotDocument;

class LoadingPage : public QWidget {
    Q_OBJECT
public:
    explicit LoadingPage(QWidget* parent = nullptr);
    void setDocument(SnapshotDocument* doc);
    SnapshotDocument* document() const { return m_doc; }

Q_SIGNALS:
    void closeRequested(SnapshotDocument* doc);

private:
    void update();

    QPointer<SnapshotDocument> m_doc;
    QLabel* m_title;
    QLabel* m_stage;
    QProgressBar* m_bar;
    QLabel* m_error;
    QPushButton* m_cancel;
    QPushButton* m_retry;
    QPushButton* m_close;
    QElapsedTimer m_elapsed;
};
