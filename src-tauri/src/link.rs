//! The device's link to the school server as the window sees it: the sync status, logging in
//! and out, the password, «Синхронизировать сейчас», conflicts, and bundles on a USB stick.
//! The sync itself runs in [`crate::sync`].

use crate::{edited, internal, schools_dir, switch, sync, this_computer, with, Shared};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use tauri::{AppHandle, Emitter, Runtime, State};
use zhurnal_service::view::{
    self, AppError, AppResult, AppState, BundleResult, ConflictView, SyncStatus,
};

#[tauri::command]
pub(crate) async fn sync_status(state: State<'_, Shared>) -> AppResult<SyncStatus> {
    let (app, syncer) = (state.app.clone(), state.sync.clone());
    tauri::async_runtime::spawn_blocking(move || Shared::status(&app, &syncer))
        .await
        .map_err(internal)?
}

/// Enrols this device with the school server as `login` and starts syncing. A file holding a
/// school made here (the demo school) is kept as it is: the server's school goes into a new
/// file beside it, which becomes the open one (and, if the login fails, is removed again).
#[tauri::command]
pub(crate) async fn login(
    state: State<'_, Shared>,
    server: String,
    login: String,
    password: String,
    device_name: Option<String>,
) -> AppResult<AppState> {
    let server = zhurnal_client::normalize_server(&server).map_err(sync::app_error)?;
    let checked = server.clone();
    let here = with(&state, move |a| a.enrols_here(&checked)).await?;
    let previous = state.sync.db();
    let fresh = if here {
        None
    } else {
        let path = view::new_school_path(&schools_dir(&state), &server);
        switch(&state, path.clone()).await?;
        Some(path)
    };
    let syncer = state.sync.clone();
    let name = device_name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(this_computer);
    let done = tauri::async_runtime::spawn_blocking(move || {
        // Only the profile row is written, by the client's own connection; the network wait
        // holds nothing.
        let mut client = syncer.client(false).map_err(sync::app_error)?;
        client
            .login(&server, &login, &password, &name)
            .map_err(sync::app_error)
    })
    .await
    .map_err(internal)?;
    if let Err(e) = done {
        if let Some(path) = fresh {
            // Back to the school that was open; the new file never held anything.
            switch(&state, previous).await?;
            for p in [
                path.clone(),
                path.with_extension("sqlite3-wal"),
                path.with_extension("sqlite3-shm"),
            ] {
                let _ = std::fs::remove_file(p);
            }
        }
        return Err(e);
    }
    let state_now = with(&state, |a| a.enrolled()).await?;
    state.sync.configured.store(true, Ordering::SeqCst);
    state.sync.wake();
    Ok(state_now)
}

/// Changes the enrolled user's password on the server: a one-time password (from the
/// administrator's slip) must be changed before the server takes a sync. Then syncs.
#[tauri::command]
pub(crate) async fn change_password(
    state: State<'_, Shared>,
    old: String,
    new: String,
) -> AppResult<()> {
    let syncer = state.sync.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut client = syncer.client(false).map_err(sync::app_error)?;
        client.change_password(&old, &new).map_err(sync::app_error)
    })
    .await
    .map_err(internal)??;
    state.sync.wake();
    Ok(())
}

/// Forgets the enrolment; the journals stay on this computer.
#[tauri::command]
pub(crate) async fn logout(state: State<'_, Shared>) -> AppResult<AppState> {
    state.sync.configured.store(false, Ordering::SeqCst);
    with(&state, |a| a.logout()).await
}

/// Syncs now and returns the status. An unreachable server is not an error: the status says
/// `online: false` with the reason, and everything stays saved here.
#[tauri::command]
pub(crate) async fn sync_now<R: Runtime>(
    handle: AppHandle<R>,
    state: State<'_, Shared>,
) -> AppResult<SyncStatus> {
    let (app, syncer) = (state.app.clone(), state.sync.clone());
    tauri::async_runtime::spawn_blocking(move || {
        if let Ok(mut s) = Shared::status(&app, &syncer) {
            s.syncing = true;
            let _ = handle.emit("sync-status", s);
        }
        let result = syncer.run(&mut |p| {
            let _ = handle.emit("sync-progress", p);
        });
        let status = Shared::status(&app, &syncer);
        if let Ok(s) = &status {
            let _ = handle.emit("sync-status", s);
        }
        match result {
            Ok(_) => status,
            Err(e) if sync::is_offline(&e) => status,
            Err(e) => Err(sync::app_error(e)),
        }
    })
    .await
    .map_err(internal)?
}

#[tauri::command]
pub(crate) async fn conflicts(state: State<'_, Shared>) -> AppResult<Vec<ConflictView>> {
    with(&state, |a| a.conflicts()).await
}

#[tauri::command]
pub(crate) async fn resolve_conflict(
    state: State<'_, Shared>,
    doc: String,
    lesson: String,
    student: String,
    chosen_text: String,
) -> AppResult<()> {
    edited(&state, move |a| {
        a.resolve_conflict(&doc, &lesson, &student, &chosen_text)
    })
    .await
}

/// Writes everything the server has not acknowledged to `path` (a USB stick), signed with
/// this device's key; the result names the key the other side needs.
#[tauri::command]
pub(crate) async fn bundle_export(
    state: State<'_, Shared>,
    path: String,
) -> AppResult<BundleResult> {
    let syncer = state.sync.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut client = syncer.client(false).map_err(sync::app_error)?;
        let exported = {
            let _gate = syncer.gate.hold();
            client.export_bundle().map_err(sync::app_error)?
        };
        let dest = PathBuf::from(&path);
        let tmp = dest.with_extension("part");
        std::fs::write(&tmp, &exported.file)
            .and_then(|_| std::fs::rename(&tmp, &dest))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                AppError::new(
                    view::code::SYNC,
                    format!("не удалось записать «{path}»: {e}"),
                )
            })?;
        Ok(BundleResult {
            documents: exported.documents as u32,
            changes: exported.changes as u32,
            public_key: Some(exported.public_key),
        })
    })
    .await
    .map_err(internal)?
}

/// Applies another device's bundle from `path`, checked with that device's public key and the
/// server's own permission rules; a bundle that fails any check changes nothing.
#[tauri::command]
pub(crate) async fn bundle_import(
    state: State<'_, Shared>,
    path: String,
    public_key: String,
) -> AppResult<BundleResult> {
    let syncer = state.sync.clone();
    let out = tauri::async_runtime::spawn_blocking(move || {
        let file = std::fs::read(&path).map_err(|e| {
            AppError::new(
                view::code::SYNC,
                format!("не удалось прочитать «{path}»: {e}"),
            )
        })?;
        let mut client = syncer.client(false).map_err(sync::app_error)?;
        let _gate = syncer.gate.hold();
        let report = client
            .import_bundle(&file, public_key.trim())
            .map_err(sync::app_error)?;
        if report.changes > 0 {
            syncer.stale.store(true, Ordering::SeqCst);
        }
        Ok::<_, AppError>(BundleResult {
            documents: report.documents as u32,
            changes: report.changes as u32,
            public_key: None,
        })
    })
    .await
    .map_err(internal)??;
    state.sync.edited();
    Ok(out)
}
