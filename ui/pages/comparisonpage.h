// SPDX-License-Identifier: MIT
// The Comparison perspective: the viewed snapshot against a base snapshot.
#pragma once

#include "objectref.h"

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in; it needs only the names.
#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#endif

#include <QWidget>

class BackgroundJob;
class ComparisonModel;
class Navigator;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTreeView;
class SnapshotDocument;
class SnapshotSession;

class ComparisonPage : public QWidget {
    Q_OBJECT
public:
    ComparisonPage(SnapshotSession* session, SnapshotDocument* document, Navigator* navigator,
                   QWidget* parent = nullptr);

    ComparisonModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    QComboBox* baseCombo() const { return m_base; }
    /// "All realms", then one entry per native context of this snapshot (by attributed size), shared
    /// and unattributed objects: the Comparison of that realm on both sides.
    QComboBox* realmCombo() const { return m_realm; }
    SnapshotDocument* base() const;
    void setBase(SnapshotDocument* base);
    /// True when another snapshot is there to compare with.
    bool isAvailable() const;

Q_SIGNALS:
    void objectSelected(const ObjectRef& object);
    /// A class row became current: `row` indexes comparison->classes.
    void classSelected(const heapscope::ComparisonPtr& comparison, int row);
    void comparisonShown();
    void availabilityChanged(bool available);

private:
    void rebuildBaseMenu();
    void request();
    void show(const heapscope::ComparisonPtr& comparison);
    void rebuildRealmMenu();
    void applyRealm();

    SnapshotSession* m_session;
    SnapshotDocument* m_document;
    ComparisonModel* m_model;
    QTreeView* m_view;
    QComboBox* m_base;
    QCheckBox* m_magnitude;
    QLineEdit* m_filter;
    QLabel* m_status;
    QLabel* m_processBanner = nullptr;
    QComboBox* m_realm;
    BackgroundJob* m_realmJob;
    heapscope::ComparisonPtr m_full; ///< the whole Comparison, before a realm restricts it
};
