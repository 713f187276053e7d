import { lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { GuestOnly, RequireAuth } from './guards';
import { Layout } from './Layout';

// One chunk per page: the first load fetches only the shell and the page it shows.
const HomePage = lazy(() => import('../home/HomePage').then((m) => ({ default: m.HomePage })));
const SignUpPage = lazy(() => import('../auth/SignUpPage').then((m) => ({ default: m.SignUpPage })));
const SignInPage = lazy(() => import('../auth/SignInPage').then((m) => ({ default: m.SignInPage })));
const ForgotPasswordPage = lazy(() =>
  import('../auth/ForgotPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })),
);
const ResetPasswordPage = lazy(() =>
  import('../auth/ResetPasswordPage').then((m) => ({ default: m.ResetPasswordPage })),
);
const ProfilePage = lazy(() => import('../members/ProfilePage').then((m) => ({ default: m.ProfilePage })));
const EditProfilePage = lazy(() => import('../members/EditProfilePage').then((m) => ({ default: m.EditProfilePage })));
const ForumsPage = lazy(() => import('../forums/ForumsPage').then((m) => ({ default: m.ForumsPage })));
const CategoryPage = lazy(() => import('../forums/CategoryPage').then((m) => ({ default: m.CategoryPage })));
const ThreadPage = lazy(() => import('../forums/ThreadPage').then((m) => ({ default: m.ThreadPage })));
const BookmarksPage = lazy(() => import('../forums/BookmarksPage').then((m) => ({ default: m.BookmarksPage })));
const SearchPage = lazy(() => import('../forums/SearchPage').then((m) => ({ default: m.SearchPage })));
const NotFoundPage = lazy(() => import('./NotFoundPage').then((m) => ({ default: m.NotFoundPage })));

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<HomePage />} />
          <Route
            path="sign-up"
            element={
              <GuestOnly>
                <SignUpPage />
              </GuestOnly>
            }
          />
          <Route
            path="sign-in"
            element={
              <GuestOnly>
                <SignInPage />
              </GuestOnly>
            }
          />
          <Route path="forgot-password" element={<ForgotPasswordPage />} />
          <Route path="reset-password" element={<ResetPasswordPage />} />
          <Route path="members/:id" element={<ProfilePage />} />
          <Route
            path="settings/profile"
            element={
              <RequireAuth>
                <EditProfilePage />
              </RequireAuth>
            }
          />
          <Route
            path="forums"
            element={
              <RequireAuth>
                <ForumsPage />
              </RequireAuth>
            }
          />
          <Route
            path="forums/c/:categoryId"
            element={
              <RequireAuth>
                <CategoryPage />
              </RequireAuth>
            }
          />
          <Route
            path="forums/t/:threadId"
            element={
              <RequireAuth>
                <ThreadPage />
              </RequireAuth>
            }
          />
          {/* Links inside server-rendered posts (quotes) use /threads/:id. */}
          <Route
            path="threads/:threadId"
            element={
              <RequireAuth>
                <ThreadPage />
              </RequireAuth>
            }
          />
          <Route
            path="bookmarks"
            element={
              <RequireAuth>
                <BookmarksPage />
              </RequireAuth>
            }
          />
          <Route
            path="search"
            element={
              <RequireAuth>
                <SearchPage />
              </RequireAuth>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
