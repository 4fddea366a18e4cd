// SPDX-License-Identifier: MIT
// The loading progress a user reads: one number in the label and the bar, moving through every stage.
#include "testutil.h"

#include "snapshotdocument.h"

#include <QSignalSpy>
#include <QTest>

class TestProgress : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void labelShowsTheBarsNumber();
};

void TestProgress::labelShowsTheBarsNumber() {
    SnapshotDocument doc(TestUtil::dataPath("alloc-timeline-node20.heaptimeline.gz"));
    QStringList stages;
    QList<double> fractions;
    connect(&doc, &SnapshotDocument::progress, this,
            [&](const QString& stage, double fraction, const QString& text) {
                // "Parsing · 17 %": the stage and the bar's own percentage, nothing else.
                QCOMPARE(text, stage + QStringLiteral(" · ") + QString::number(int(fraction * 100)) +
                                   QStringLiteral(" %"));
                if (stages.isEmpty() || stages.last() != stage)
                    stages << stage;
                fractions << fraction;
            });
    QSignalSpy finished(&doc, &SnapshotDocument::finished);
    doc.load();
    QVERIFY(finished.wait(60000));
    QVERIFY(!fractions.isEmpty());
    QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
    // The analysis after the index moves the bar too, up to the end.
    QVERIFY2(stages.contains(QStringLiteral("Analysing")), qPrintable(stages.join(u',')));
    QCOMPARE(fractions.last(), 1.0);
}

QTEST_MAIN(TestProgress)
#include "tst_progress.moc"
