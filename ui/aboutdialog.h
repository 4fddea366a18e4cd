// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>

/// Version, Qt version, and the licences of what the program is built with.
class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(QWidget* parent = nullptr);
    /// The dialog's text (HTML), for tests.
    static QString aboutText();
};
