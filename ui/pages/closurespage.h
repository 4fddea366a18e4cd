// SPDX-License-Identifier: MIT
// The Closures perspective: closure context fields that no live closure can read (DevTools'
// analyzeContexts()), computed in the background once the snapshot is on screen.
#pragma once

#include "objectref.h"

#include <QWidget>

class BackgroundJob;
class ClosuresModel;
class Navigator;
class QLabel;
class QPushButton;
class QTreeView;

class ClosuresPage : public QWidget {
    Q_OBJECT
public:
    ClosuresPage(heapscope::AnalysisPtr analysis, Navigator* navigator, QWidget* parent = nullptr);

    ClosuresModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    /// What the page says above the table (computing, no scope data, skipped, nothing found, totals).
    QLabel* notice() const { return m_notice; }
    BackgroundJob* job() const { return m_job; }
    /// The object of the current row (a context or a field's value), or an invalid one.
    ObjectRef currentObject() const;
    /// Puts the current row's scope on the clipboard as url:line:column; false without one.
    bool copyCurrentLocation();

Q_SIGNALS:
    void objectSelected(const ObjectRef& object);
    /// The analysis has finished (or was skipped) and the page shows its result.
    void ready();

private:
    void showResult();

    heapscope::AnalysisPtr m_analysis;
    Navigator* m_navigator;
    ClosuresModel* m_model;
    QTreeView* m_view;
    QLabel* m_notice;
    QLabel* m_withoutScopes;
    QPushButton* m_copyLocation;
    BackgroundJob* m_job;
};
