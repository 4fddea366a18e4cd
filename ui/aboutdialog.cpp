// SPDX-License-Identifier: MIT
#include "aboutdialog.h"

#include "charts/donutchart.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

#ifndef HEAPSCOPE_VERSION
#define HEAPSCOPE_VERSION "0.0.0"
#endif

QString AboutDialog::aboutText() {
    QString text = tr("<h2>Heapscope %1</h2>"
                      "<p>A fast, exact viewer for V8 heap snapshots: what holds memory, and what grew "
                      "between two snapshots.</p>"
                      "<p>Built with Qt %2 (running on Qt %3).</p>")
                       .arg(QStringLiteral(HEAPSCOPE_VERSION), QStringLiteral(QT_VERSION_STR),
                            QString::fromLatin1(qVersion()));
    text += tr("<p><b>Licences</b></p><ul>"
               "<li>Heapscope: MIT licence.</li>"
               "<li>Qt: GNU Lesser General Public License v3 (LGPL-3.0).</li>"
               "<li>simdjson: Apache License 2.0.</li>"
               "<li>zlib: zlib licence.</li>");
    if (DonutChart::hasQtCharts())
        text += tr("<li>Qt Charts: GNU General Public License v3 (GPL-3.0).</li>");
    text += tr(
        "</ul><p>The tests also use GoogleTest (BSD 3-Clause licence); it is not part of the program.</p>");
    return text;
}

AboutDialog::AboutDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("About Heapscope"));
    auto* label = new QLabel(aboutText(), this);
    label->setObjectName(u"aboutText"_s);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setOpenExternalLinks(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(label);
    layout->addWidget(buttons);
    setMinimumWidth(440);
}
