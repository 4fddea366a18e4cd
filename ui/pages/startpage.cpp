// SPDX-License-Identifier: MIT
#include "startpage.h"

#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

StartPage::StartPage(QWidget* parent) : QWidget(parent) {
    setObjectName(u"startPage"_s);
    auto* outer = new QVBoxLayout(this);
    auto* column = new QWidget(this);
    column->setMaximumWidth(560);
    auto* layout = new QVBoxLayout(column);

    auto* title = new QLabel(tr("Heapscope"), column);
    QFont tf = title->font();
    tf.setPointSizeF(tf.pointSizeF() * 2.2);
    tf.setBold(true);
    title->setFont(tf);
    auto* subtitle = new QLabel(
        tr("Open a V8 heap snapshot (.heapsnapshot, .heaptimeline, or gzipped) to see what holds memory. "
           "Open two snapshots of the same process to see what grew."),
        column);
    subtitle->setWordWrap(true);

    auto* open =
        new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("Open Snapshot…"), column);
    open->setObjectName(u"openButton"_s);
    m_example = new QPushButton(tr("Open Example"), column);
    m_example->setObjectName(u"openExampleButton"_s);
    m_example->setToolTip(
        tr("Two snapshots of a small leaking Node.js server, opened side by side with the Comparison"));
    connect(open, &QPushButton::clicked, this, &StartPage::openRequested);
    connect(m_example, &QPushButton::clicked, this, &StartPage::openExampleRequested);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open);
    buttons->addWidget(m_example);
    buttons->addStretch();

    auto* hint = new QLabel(tr("You can also drop files on this window, or name them on the command line: "
                               "<tt>heapscope before.heapsnapshot after.heapsnapshot</tt>"),
                            column);
    hint->setWordWrap(true);
    hint->setEnabled(false);

    m_recentTitle = new QLabel(tr("<b>Recent files</b>"), column);
    m_recent = new QListWidget(column);
    m_recent->setObjectName(u"recentFiles"_s);
    m_recent->setFrameShape(QFrame::NoFrame);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        Q_EMIT openRecentRequested(item->data(Qt::UserRole).toString());
    });

    layout->addWidget(title);
    layout->addWidget(subtitle);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addWidget(hint);
    layout->addSpacing(12);
    layout->addWidget(m_recentTitle);
    layout->addWidget(m_recent, 1);

    outer->addStretch(1);
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 3);
    row->addStretch(1);
    outer->addLayout(row, 4);
    outer->addStretch(1);
    setRecentFiles({});
}

void StartPage::setRecentFiles(const QStringList& paths) {
    m_recent->clear();
    for (const QString& path : paths) {
        const QFileInfo fi(path);
        auto* item = new QListWidgetItem(
            fi.fileName() + u"   "_s + QDir::toNativeSeparators(fi.absolutePath()), m_recent);
        item->setData(Qt::UserRole, path);
        item->setToolTip(path);
        item->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
    }
    m_recent->setVisible(!paths.isEmpty());
    m_recentTitle->setVisible(!paths.isEmpty());
}

void StartPage::setExampleAvailable(bool available) {
    m_example->setEnabled(available);
    if (!available)
        m_example->setToolTip(tr("The example snapshots are not installed"));
}
