// SPDX-License-Identifier: MIT
#include "loadingpage.h"

#include "snapshotdocument.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

LoadingPage::LoadingPage(QWidget* parent) : QWidget(parent) {
    setObjectName(u"loadingPage"_s);
    auto* outer = new QVBoxLayout(this);
    auto* column = new QWidget(this);
    column->setMaximumWidth(640);
    auto* layout = new QVBoxLayout(column);
    m_title = new QLabel(column);
    QFont tf = m_title->font();
    tf.setPointSizeF(tf.pointSizeF() * 1.4);
    tf.setBold(true);
    m_title->setFont(tf);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stage = new QLabel(column);
    m_stage->setObjectName(u"stageLabel"_s);
    m_bar = new QProgressBar(column);
    m_bar->setObjectName(u"loadProgress"_s);
    m_bar->setRange(0, 0); // indeterminate until the first report
    m_bar->setTextVisible(true);
    m_error = new QLabel(column);
    m_error->setObjectName(u"loadError"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(u"QLabel { color: #b3261e; }"_s);
    m_cancel = new QPushButton(style()->standardIcon(QStyle::SP_BrowserStop), tr("Cancel"), column);
    m_cancel->setObjectName(u"cancelButton"_s);
    m_retry = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Try Again"), column);
    m_close = new QPushButton(style()->standardIcon(QStyle::SP_DialogCloseButton), tr("Close"), column);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_doc)
            m_doc->cancel();
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (m_doc)
            m_doc->load();
    });
    connect(m_close, &QPushButton::clicked, this, [this] {
        if (m_doc)
            Q_EMIT closeRequested(m_doc);
    });
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_close);

    layout->addWidget(m_title);
    layout->addWidget(m_stage);
    layout->addWidget(m_bar);
    layout->addWidget(m_error);
    layout->addLayout(buttons);

    outer->addStretch(1);
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 4);
    row->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(2);
}

void LoadingPage::setDocument(SnapshotDocument* doc) {
    if (m_doc)
        disconnect(m_doc, nullptr, this, nullptr);
    m_doc = doc;
    if (doc) {
        connect(doc, &SnapshotDocument::stateChanged, this, &LoadingPage::update);
        connect(doc, &SnapshotDocument::started, this, [this] {
            m_elapsed.start();
            m_bar->setRange(0, 0);
        });
        m_elapsed.start();
        m_bar->setRange(0, doc->fraction() > 0 ? 1000 : 0);
    }
    update();
}

void LoadingPage::update() {
    if (!m_doc)
        return;
    m_title->setText(m_doc->displayName());
    m_title->setToolTip(m_doc->path());
    const auto state = m_doc->state();
    const bool loading = state == SnapshotDocument::State::Loading;
    m_cancel->setVisible(loading);
    m_retry->setVisible(!loading);
    m_close->setVisible(!loading);
    m_bar->setVisible(loading);
    m_error->setVisible(!loading);
    if (loading) {
        if (m_doc->fraction() > 0 && m_bar->maximum() == 0)
            m_bar->setRange(0, 1000);
        m_bar->setValue(int(m_doc->fraction() * 1000));
        const double secs = m_elapsed.isValid() ? double(m_elapsed.elapsed()) / 1000.0 : 0.0;
        QString text = m_doc->progressText();
        if (secs > 0.5)
            text += tr("  ·  %1 s elapsed").arg(QString::number(secs, 'f', 1));
        if (m_doc->fraction() > 0.05 && secs > 2)
            text += tr(", about %1 s left")
                        .arg(QString::number(secs * (1 - m_doc->fraction()) / m_doc->fraction(), 'f', 0));
        m_stage->setText(text);
    } else {
        m_stage->setText(state == SnapshotDocument::State::Canceled ? tr("Loading was canceled.")
                                                                    : tr("This file could not be opened."));
        m_error->setText(state == SnapshotDocument::State::Failed ? m_doc->errorMessage() : QString());
    }
}
