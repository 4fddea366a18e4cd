// SPDX-License-Identifier: MIT
#include "retainerpathsdialog.h"

#include "exportutil.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

RetainerPathsDialog::RetainerPathsDialog(const QString& what, const QString& fileName, QWidget* parent)
    : QDialog(parent) {
    setObjectName(u"retainerPathsDialog"_s);
    setWindowTitle(tr("Export Retainer Paths"));

    auto* intro = new QLabel(tr("The shortest paths from the GC roots that keep %1 alive.").arg(what), this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);

    m_maxPaths = new QSpinBox(this);
    m_maxPaths->setObjectName(u"maxPaths"_s);
    m_maxPaths->setRange(1, 1000);
    m_maxPaths->setValue(5);
    m_maxPaths->setToolTip(tr("Paths that differ only in their last hops, or only in the system contexts or "
                              "built-in functions they pass through, count once (the file says how many "
                              "were merged)"));
    m_format = new QComboBox(this);
    m_format->setObjectName(u"pathFormat"_s);
    m_format->addItem(tr("Plain text"), Text);
    m_format->addItem(tr("Markdown (for an issue tracker)"), Markdown);
    m_format->addItem(tr("JSON"), Json);
    m_weak = new QCheckBox(tr("Include weak edges"), this);
    m_weak->setObjectName(u"includeWeak"_s);
    m_weak->setToolTip(tr("Weak edges do not keep an object alive; they are skipped by default"));

    m_path = new QLineEdit(this);
    m_path->setObjectName(u"pathFile"_s);
    m_path->setText(QDir(ExportUtil::lastDirectory()).filePath(fileName + u'.' + suffix(Text)));
    m_path->setMinimumWidth(360);
    auto* browseButton = new QPushButton(tr("Browse…"), this);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(browseButton);

    auto* form = new QFormLayout;
    form->addRow(tr("Number of paths:"), m_maxPaths);
    form->addRow(tr("Format:"), m_format);
    form->addRow(QString(), m_weak);
    form->addRow(tr("File:"), fileRow);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &RetainerPathsDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, &RetainerPathsDialog::updateSuffix);
    connect(m_path, &QLineEdit::textChanged, this, &RetainerPathsDialog::updateOk);
    updateOk();
}

QString RetainerPathsDialog::suffix(Format format) {
    switch (format) {
    case Text:
        return u"txt"_s;
    case Markdown:
        return u"md"_s;
    case Json:
        return u"json"_s;
    }
    return {};
}

int RetainerPathsDialog::maxPaths() const {
    return m_maxPaths->value();
}

void RetainerPathsDialog::setMaxPaths(int k) {
    m_maxPaths->setValue(k);
}

RetainerPathsDialog::Format RetainerPathsDialog::format() const {
    return Format(m_format->currentData().toInt());
}

void RetainerPathsDialog::setFormat(Format format) {
    m_format->setCurrentIndex(m_format->findData(int(format)));
}

bool RetainerPathsDialog::includeWeak() const {
    return m_weak->isChecked();
}

void RetainerPathsDialog::setIncludeWeak(bool on) {
    m_weak->setChecked(on);
}

QString RetainerPathsDialog::filePath() const {
    return m_path->text().trimmed();
}

void RetainerPathsDialog::setFilePath(const QString& path) {
    m_path->setText(path);
}

void RetainerPathsDialog::updateSuffix() {
    // Follow the format while the suffix is one this dialog chose.
    const QString path = filePath();
    const QFileInfo info(path);
    for (Format f : {Text, Markdown, Json}) {
        if (info.suffix() == suffix(f)) {
            m_path->setText(path.left(path.size() - info.suffix().size()) + suffix(format()));
            return;
        }
    }
}

void RetainerPathsDialog::updateOk() {
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!filePath().isEmpty());
}

void RetainerPathsDialog::browse() {
    const QString filter = format() == Json       ? tr("JSON (*.json)")
                           : format() == Markdown ? tr("Markdown (*.md)")
                                                  : tr("Text (*.txt)");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Retainer Paths"), filePath(),
                                                      filter + u";;"_s + tr("All files (*)"));
    if (path.isEmpty())
        return;
    m_confirmedPath = path;
    m_path->setText(path);
}

void RetainerPathsDialog::accept() {
    const QString path = filePath();
    if (path != m_confirmedPath && QFileInfo::exists(path) &&
        QMessageBox::question(this, windowTitle(),
                              tr("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(path))) !=
            QMessageBox::Yes)
        return;
    QDialog::accept();
}
