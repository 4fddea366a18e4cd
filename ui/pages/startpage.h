// SPDX-License-Identifier: MIT
// What the window shows with no snapshot open: Open, Open example, recent files.
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

Q_SIGNALS:
    void openRequested();
    void openExampleRequested();
    void openRecentRequested(const QString& path);

private:
    QPushButton* m_example;
    QListWidget* m_recent;
    QLabel* m_recentTitle;
};
