// The import screen: a wizard (choose a file, map its columns, preview, run, report) above the
// list of recent imports. A file can be chosen with the button or dropped anywhere on the screen.
// The wizard's state lives in a store, so an import keeps going (and is shown again) while the
// user works on other screens.
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useClient } from '../state/ClientContext';
import { toast } from '../state/toastStore';
import { chooseFile, refreshJob, applyJob, takesNewFile, useImportWizard, type WizardStep } from './importWizard';
import { ChooseStep, UploadStep } from './ChooseStep';
import { MappingStep } from './MappingStep';
import { PreviewStep } from './PreviewStep';
import { ProgressStep } from './ProgressStep';
import { ReportStep } from './ReportStep';
import { RecentImports } from './RecentImports';
import './import.css';
import { PageTitle } from '../ui/PageTitle';

const STEPS: { label: string; steps: WizardStep[] }[] = [
  { label: 'Choose a file', steps: ['choose', 'uploading'] },
  { label: 'Map columns', steps: ['mapping'] },
  { label: 'Preview', steps: ['preview'] },
  { label: 'Import', steps: ['progress'] },
  { label: 'Report', steps: ['report'] },
];

export function ImportView() {
  const client = useClient();
  const step = useImportWizard((s) => s.step);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);

  // the run went on while this screen was closed: show where it is now, then follow its events
  useEffect(() => {
    void refreshJob(client);
    return client.on('import', (job) => applyJob(job));
  }, [client]);

  const canTakeFile = useImportWizard((s) => takesNewFile(s));
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    if (!canTakeFile) {
      toast.info('Finish this import first, or choose “Choose another file”, then drop the new one.');
      return;
    }
    void chooseFile(client, file);
  };

  // a new step replaces the buttons that led to it: keyboard focus goes to the step (its own
  // autofocused button, else its title) instead of falling back to the page
  const wizard = useRef<HTMLDivElement>(null);
  const firstStep = useRef(true);
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    const box = wizard.current;
    if (!box || box.contains(document.activeElement)) return;
    box.querySelector<HTMLElement>('.import-step-title, .import-choose button')?.focus();
  }, [step]);

  const at = STEPS.findIndex((s) => s.steps.includes(step));
  return (
    <section
      className={`import ${dragging ? 'dragging' : ''}`}
      aria-labelledby="import-title"
      data-testid="import-view"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        dragDepth.current++;
        setDragging(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = canTakeFile ? 'copy' : 'none';
      }}
      onDragLeave={(e) => {
        if (!hasFiles(e)) return;
        dragDepth.current = Math.max(0, dragDepth.current - 1);
        if (dragDepth.current === 0) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <header className="import-head">
        <PageTitle id="import-title">Import</PageTitle>
        <ol className="stage-steps import-steps" aria-label="Import steps" data-testid="import-steps">
          {STEPS.map((s, i) => (
            <li key={s.label} className={i < at ? 'done' : i === at ? 'current' : 'todo'} aria-current={i === at ? 'step' : undefined}>
              <span className="dot" aria-hidden="true">
                {i < at ? '✓' : i + 1}
              </span>
              {s.label}
            </li>
          ))}
        </ol>
      </header>
      <div className="import-scroll">
        <div className="import-wizard" ref={wizard}>
          {step === 'choose' && <ChooseStep />}
          {step === 'uploading' && <UploadStep />}
          {step === 'mapping' && <MappingStep />}
          {step === 'preview' && <PreviewStep />}
          {step === 'progress' && <ProgressStep />}
          {step === 'report' && <ReportStep />}
        </div>
        <RecentImports />
      </div>
      {dragging && (
        <div className="import-drop-overlay" aria-hidden="true">
          {canTakeFile ? 'Drop the file to import it' : 'Finish this import before dropping another file'}
        </div>
      )}
    </section>
  );
}
