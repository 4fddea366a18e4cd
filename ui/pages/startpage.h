// SPDX-License-Identifier: MIT
// What the window shows with no snapshot open: where a leak hunt starts. Open, Open Example,
// Connect to a running process, Watch a folder, the recent files (with size and date), and how to
// take a snapshot of a Node.js program, each way with a command to copy and the matching action.
#pragma once

#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;

class StartPage : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);
    void setRecentFiles(const QStringList& paths);
    void setExampleAvailable(bool available);
    /// Connect, Send Signal and Watch Folder need the capture support built in.
    void setCaptureAvailable(bool available);

    /// The ways of taking a snapshot the page explains, in its order.
    enum Way { InspectWay, SignalWay, WriteHeapSnapshotWay, InspectorProtocolWay };
    /// The command shown for a way (what Copy puts on the clipboard).
    static QString command(Way way);

    /// WCAG contrast ratio of two colours (1 to 21).
    static double contrastRatio(const QColor& a, const QColor& b);
    /// A secondary text colour for hints: softer than the text colour, yet at least 4.5:1 against
    /// the window background of `palette` (light or dark).
    static QColor hintColor(const QPalette& palette);

Q_SIGNALS:
    void openRequested();
    void openExampleRequested();
    void openRecentRequested(const QString& path);
    void connectRequested();
    void sendSignalRequested();
    void watchFolderRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* createHowTo(QWidget* parent);
    void applyHintColors();

    QPushButton* m_example;
    QPushButton* m_connect;
    QPushButton* m_watch;
    QListWidget* m_recent;
    QLabel* m_recentTitle;
    QList<QLabel*> m_hints;
    QList<QLabel*> m_links;
    bool m_captureAvailable = true;
};
