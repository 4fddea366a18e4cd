// SPDX-License-Identifier: MIT
// Export Retainer Paths…: how many paths, which format, weak edges or not, and where to.
#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLineEdit;
class QSpinBox;

class RetainerPathsDialog : public QDialog {
    Q_OBJECT
public:
    enum Format { Text, Markdown, Json };

    /// `what` names the objects ("Foo @123", "412 new Foo objects"); `fileName` is the suggested
    /// file name without suffix.
    RetainerPathsDialog(const QString& what, const QString& fileName, QWidget* parent = nullptr);

    int maxPaths() const;
    void setMaxPaths(int k);
    Format format() const;
    void setFormat(Format format);
    bool includeWeak() const;
    void setIncludeWeak(bool on);
    QString filePath() const;
    void setFilePath(const QString& path);

    static QString suffix(Format format);

    void accept() override;

private:
    void browse();
    void updateSuffix();
    void updateOk();

    QSpinBox* m_maxPaths;
    QComboBox* m_format;
    QCheckBox* m_weak;
    QLineEdit* m_path;
    QDialogButtonBox* m_buttons;
    QString m_confirmedPath; // the file dialog already asked about replacing it
};
